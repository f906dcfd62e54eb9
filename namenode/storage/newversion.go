package storage

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"
)

// NewVersion makes the VERSION of a freshly formatted namespace, as
// NNStorage.newNamespaceInfo does: a random non-zero 31-bit namespaceID, a
// clusterID ("CID-<random uuid>" unless one is given), a block pool ID
// "BP-<random 31-bit int>-<ip>-<ms>", and cTime = now in ms (Hadoop 3 sets
// the format time; 2.x wrote 0). rnd defaults to crypto/rand.
func NewVersion(clusterID, ip string, now time.Time, rnd io.Reader) (Version, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	nsID, err := nonZero31(rnd)
	if err != nil {
		return Version{}, err
	}
	if clusterID == "" {
		if clusterID, err = NewClusterID(rnd); err != nil {
			return Version{}, err
		}
	}
	bp, err := below31(rnd)
	if err != nil {
		return Version{}, err
	}
	ms := now.UnixMilli()
	return Version{
		LayoutVersion: LayoutVersion,
		NamespaceID:   nsID,
		ClusterID:     clusterID,
		CTime:         ms,
		StorageType:   NodeNameNode,
		BlockPoolID:   "BP-" + strconv.Itoa(int(bp)) + "-" + ip + "-" + strconv.FormatInt(ms, 10),
	}, nil
}

// NewClusterID returns "CID-" and a random (version 4) UUID.
func NewClusterID(rnd io.Reader) (string, error) {
	var u [16]byte
	if _, err := io.ReadFull(rnd, u[:]); err != nil {
		return "", fmt.Errorf("storage: making a cluster ID: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return "CID-" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// below31 draws uniformly from [0, 2^31-1), as Java's nextInt(MAX_VALUE).
func below31(rnd io.Reader) (int32, error) {
	var b [4]byte
	for {
		if _, err := io.ReadFull(rnd, b[:]); err != nil {
			return 0, fmt.Errorf("storage: drawing a random ID: %w", err)
		}
		if v := int32(binary.BigEndian.Uint32(b[:]) & 0x7fffffff); v != 0x7fffffff {
			return v, nil
		}
	}
}

// nonZero31 draws a namespaceID: like below31, but never 0
// (NNStorage.newNamespaceID).
func nonZero31(rnd io.Reader) (int32, error) {
	for {
		v, err := below31(rnd)
		if err != nil || v != 0 {
			return v, err
		}
	}
}

// DefaultIP is the address Hadoop puts in a new block pool ID:
// DNS.getDefaultIP("default"), the host name's first address (IPv4 first,
// as Java prefers), or 127.0.0.1 when the name does not resolve.
func DefaultIP() string {
	host, err := os.Hostname()
	if err != nil {
		return "127.0.0.1"
	}
	addrs, err := net.LookupIP(host)
	if err != nil || len(addrs) == 0 {
		return "127.0.0.1"
	}
	for _, a := range addrs {
		if v4 := a.To4(); v4 != nil {
			return v4.String()
		}
	}
	return addrs[0].String()
}
