package dfsio

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Defaults of TestDFSIO.run and of the options it does not have.
const (
	defaultBufferSize  = 1000000 // DEFAULT_BUFFER_SIZE
	defaultSize        = 1 << 20 // 1 MB
	defaultResFile     = "TestDFSIO_results.log"
	defaultBaseDir     = "/benchmarks/TestDFSIO" // test.build.data
	defaultReplication = 3                       // dfs.replication
	defaultNNPort      = "8020"
)

// Modes, named as TestDFSIO's TestType prints them.
const (
	modeWrite = "write"
	modeRead  = "read"
	modeClean = "cleanup"
)

// config is the parsed command line.
type config struct {
	mode        string
	nrFiles     int
	size        int64 // bytes per file
	bufferSize  int
	resFile     string
	addr        string // NameNode host:port; "" means the Hadoop configuration's
	replication int
	baseDir     string
	dnPIDs      string // "", "auto" or a comma-separated list
	diskDir     string
	bounds      bool
	floorSize   int64 // bytes each CPU floor moves
}

// usageError asks for the usage text; msg, if any, is printed before it.
type usageError struct{ msg string }

func (e usageError) Error() string { return "dfsio: " + e.msg }

// Options TestDFSIO has that this tool does not.
var unsupported = []string{"-append", "-truncate", "-random", "-backward", "-skip",
	"-skipsize", "-compression", "-storagepolicy", "-erasurecodepolicy"}

func parseArgs(args []string) (config, error) {
	c := config{nrFiles: 1, size: defaultSize, bufferSize: defaultBufferSize,
		resFile: defaultResFile, replication: defaultReplication,
		baseDir: defaultBaseDir, diskDir: os.TempDir(), bounds: true, floorSize: defaultFloorSize}
	if len(args) == 0 {
		return c, usageError{"Missing arguments."}
	}
	for i := 0; i < len(args); i++ {
		a := strings.ToLower(args[i])
		value := func() (string, error) {
			if i+1 == len(args) {
				return "", usageError{"missing value for " + args[i]}
			}
			i++
			return args[i], nil
		}
		var err error
		switch {
		case strings.HasPrefix(a, "-read"): // TestDFSIO takes any -read*
			c.mode = modeRead
		case a == "-write":
			c.mode = modeWrite
		case a == "-clean":
			c.mode = modeClean
		case a == "-nobounds":
			c.bounds = false
		case strings.HasPrefix(a, "-seq") || isUnsupported(a):
			return c, fmt.Errorf("dfsio: %s is not supported", args[i])
		case !valueFlags[a]:
			return c, usageError{"Illegal argument: " + args[i]}
		default:
			var v string
			if v, err = value(); err == nil {
				err = c.setValue(args[i-1], v)
			}
		}
		if err != nil {
			return c, err
		}
	}
	if c.mode == "" {
		return c, usageError{"one of -write, -read or -clean is required"}
	}
	return c, nil
}

// valueFlags are the options that take a value, in lower case.
var valueFlags = map[string]bool{"-nrfiles": true, "-size": true, "-filesize": true,
	"-buffersize": true, "-replication": true, "-resfile": true, "-dir": true,
	"-diskdir": true, "-floorsize": true, "-dnpids": true, "-fs": true, "-namenode": true, "-d": true}

func isUnsupported(a string) bool {
	for _, u := range unsupported {
		if a == u {
			return true
		}
	}
	return false
}

// setValue sets flag, one of valueFlags in any case, to the value v.
func (c *config) setValue(flag, v string) error {
	var err error
	switch strings.ToLower(flag) {
	case "-nrfiles":
		c.nrFiles, err = positive(flag, v)
	case "-size", "-filesize":
		c.size, err = parseSize(v)
	case "-buffersize":
		c.bufferSize, err = positive(flag, v)
	case "-replication":
		c.replication, err = positive(flag, v)
	case "-resfile":
		c.resFile = v
	case "-dir":
		c.baseDir = strings.TrimSuffix(v, "/")
		if !strings.HasPrefix(v, "/") || c.baseDir == "" {
			err = fmt.Errorf("dfsio: -dir %q is not an absolute path below /", v)
		}
	case "-diskdir":
		c.diskDir = v
	case "-floorsize":
		if c.floorSize, err = parseSize(v); err == nil && c.floorSize <= 0 {
			err = fmt.Errorf("dfsio: -floorsize %q is not positive", v)
		}
	case "-dnpids":
		c.dnPIDs = v
		if v != "auto" {
			_, err = parsePIDs(v)
		}
	case "-fs", "-namenode":
		c.addr, err = nnAddr(v)
	case "-d":
		err = c.setProperty(v)
	}
	return err
}

// setProperty takes the -D key=value properties this tool reads.
func (c *config) setProperty(kv string) error {
	k, v, _ := strings.Cut(kv, "=")
	var err error
	switch k {
	case "fs.defaultFS":
		c.addr, err = nnAddr(v)
	case "dfs.replication":
		c.replication, err = positive("-D dfs.replication", v)
	case "test.build.data":
		return c.setValue("-dir", v)
	case "test.io.file.buffer.size":
		c.bufferSize, err = positive("-D test.io.file.buffer.size", v)
	}
	return err // other properties do not matter here
}

func positive(flag, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("dfsio: %s %q is not a positive integer", flag, v)
	}
	return n, nil
}

// byteMultiples are TestDFSIO's ByteMultiple units.
var byteMultiples = []struct {
	name string
	mult int64
}{{"B", 1}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"TB", 1 << 40}}

// parseSize reads Size[B|KB|MB|GB|TB] as TestDFSIO.parseSize does: leading
// digits, then a unit (any case, MB when absent) that is a suffix of one of
// the unit names, the first that matches winning.
func parseSize(s string) (int64, error) {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(s[:end], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("dfsio: size %q: want digits and an optional B, KB, MB, GB or TB", s)
	}
	unit := strings.ToUpper(s[end:])
	mult := int64(1 << 20)
	if unit != "" {
		mult = 0
		for _, m := range byteMultiples {
			if strings.HasSuffix(m.name, unit) {
				mult = m.mult
				break
			}
		}
	}
	if mult == 0 {
		return 0, fmt.Errorf("dfsio: size %q: unsupported unit %q", s, s[end:])
	}
	if n > (1<<63-1)/mult {
		return 0, fmt.Errorf("dfsio: size %q overflows 64 bits", s)
	}
	return n * mult, nil
}

// nnAddr turns hdfs://host[:port] (or host[:port]) into host:port.
func nnAddr(uri string) (string, error) {
	if !strings.Contains(uri, "://") {
		uri = "hdfs://" + uri
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "hdfs" || u.Host == "" {
		return "", fmt.Errorf("dfsio: %q is not an hdfs://host:port URI", uri)
	}
	if u.Port() == "" {
		return net.JoinHostPort(u.Hostname(), defaultNNPort), nil
	}
	return u.Host, nil
}

// usage is TestDFSIO's usage, trimmed to what this tool supports.
const usage = "Usage: hdfsd-dfsio [genericOptions] -read | -write | -clean" +
	" [-nrFiles N] [-size Size[B|KB|MB|GB|TB]]" +
	" [-resFile resultFileName] [-bufferSize Bytes]" +
	" [-replication R] [-dir /benchmarks/TestDFSIO]" +
	" [-diskdir DIR] [-floorsize Size] [-dnpids auto|PID,PID,...] [-nobounds]\n" +
	"Generic options: -fs hdfs://host:port, -D fs.defaultFS=..., -D dfs.replication=R," +
	" -D test.build.data=DIR\n" +
	"Sizes default to MB (2^20 bytes); -nrFiles defaults to 1, -size to 1MB," +
	" -replication to 3 (dfs.replication), -diskdir to os.TempDir(), -floorsize to 1GB.\n"
