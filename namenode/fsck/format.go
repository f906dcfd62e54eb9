package fsck

import (
	"math"
	"net"
	"strconv"
	"strings"
)

// javaFloat formats f as Java's Float.toString: plain decimals with at
// least one fraction digit for 1e-3 <= |f| < 1e7, else d.dddE<n>.
func javaFloat(f float32) string {
	switch {
	case math.IsNaN(float64(f)):
		return "NaN"
	case math.IsInf(float64(f), 1):
		return "Infinity"
	case math.IsInf(float64(f), -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(float64(f)) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(float64(f))
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(float64(f), 'f', -1, 32)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(float64(f), 'e', -1, 32) // 1.2345e+07
	mant, exp, _ := strings.Cut(s, "e")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(n)
}

// percent is Java's (float)(n*100)/(float)total.
func percent(n, total int64) string {
	return javaFloat(float32(n*100) / float32(total))
}

// JavaAddress formats a remote IP as Java's InetAddress.toString does for
// an address made from a literal: "/127.0.0.1", IPv6 in full uncompressed
// hex ("/0:0:0:0:0:0:0:1").
func JavaAddress(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return "/" + v4.String()
	}
	if len(ip) != net.IPv6len {
		return "/" + ip.String()
	}
	parts := make([]string, 8)
	for i := range parts {
		parts[i] = strconv.FormatUint(uint64(ip[2*i])<<8|uint64(ip[2*i+1]), 16)
	}
	return "/" + strings.Join(parts, ":")
}

// blockName is Hadoop's ExtendedBlock.toString: "BP-...:blk_<id>_<gs>".
func blockName(pool string, b *Block) string {
	return pool + ":" + localName(b)
}

// localName is Block.toString: "blk_<id>_<gs>".
func localName(b *Block) string {
	return "blk_" + strconv.FormatInt(b.ID, 10) + "_" + strconv.FormatInt(b.GenStamp, 10)
}

// xferAddr is DatanodeID.getXferAddr: "ip:port".
func (d *DataNode) xferAddr() string {
	return d.IP + ":" + strconv.Itoa(d.XferPort)
}
