package fsimage

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Options are the `hdfs oiv` options that change a processor's output.
// The zero value gives Hadoop's defaults.
type Options struct {
	// Delimiter separates Delimited columns (-delimiter); "" means tab.
	Delimiter string
	// PrintStoragePolicy adds the StoragePolicyId column (-sp).
	PrintStoragePolicy bool
	// PrintECPolicy adds the ErasureCodingPolicy column (-ec).
	PrintECPolicy bool
	// Location is the time zone of Delimited dates; nil means time.Local,
	// as Hadoop uses the JVM's default zone.
	Location *time.Location

	// MaxSize and Step set the FileDistribution range and bucket width in
	// bytes (-maxSize, -step); 0 means 128 GiB and 2 MiB.
	MaxSize int64
	Step    int32
	// Format prints FileDistribution sizes with units (-format).
	Format bool

	// Revision is the build revision the XML processor records in
	// <oivRevision> (VersionInfo.getRevision()); "" means "Unknown", what
	// Hadoop prints when built without one.
	Revision string

	// AnyLayoutVersion lets ReverseXML accept XML whose layoutVersion is
	// not CurrentLayoutVersion; Hadoop's ReverseXML refuses it.
	AnyLayoutVersion bool

	// Log receives the warnings Hadoop's processors log (for example the
	// Delimited processor's count of inodes it skipped); nil discards them.
	Log io.Writer
}

// Processors `hdfs oiv -p` knows that Convert implements.
const (
	ProcessorXML              = "XML"
	ProcessorDelimited        = "Delimited"
	ProcessorFileDistribution = "FileDistribution"
	ProcessorReverseXML       = "ReverseXML"
)

// Convert runs `hdfs oiv -i in -o out -p processor`. processor is matched
// without regard to case, as Hadoop does. out "-" means standard output,
// except for ReverseXML, which writes an image and its .md5 and so needs a
// file. The Web and DetectCorruption processors are not implemented.
func Convert(in, out, processor string, opts Options) error {
	if strings.EqualFold(processor, ProcessorReverseXML) {
		if out == "-" || out == "" {
			return invalidf("ReverseXML writes an fsimage and needs an output file, not standard output")
		}
		return ReverseXML(in, out, opts)
	}
	if out == "-" || out == "" {
		return ConvertTo(in, os.Stdout, processor, opts)
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("fsimage: %w", err)
	}
	err = ConvertTo(in, f, processor, opts)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("fsimage: writing %s: %w", out, cerr)
	}
	return err
}

// ConvertTo runs an image-reading processor (XML, Delimited,
// FileDistribution) on the image at path in and writes its output to w.
// Like `hdfs oiv`, it does not check the image's .md5.
func ConvertTo(in string, w io.Writer, processor string, opts Options) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("fsimage: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("fsimage: %w", err)
	}
	img, err := Open(f, st.Size(), in)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	switch strings.ToUpper(processor) {
	case "XML":
		err = WriteXML(img, bw, opts)
	case "DELIMITED":
		err = WriteDelimited(img, bw, opts)
	case "FILEDISTRIBUTION":
		err = WriteFileDistribution(img, bw, opts)
	case "WEB", "DETECTCORRUPTION":
		return fmt.Errorf("%w: oiv processor %s is not implemented", ErrUnsupported, processor)
	default:
		return invalidf("invalid processor specified: %s", processor)
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("fsimage: %w", ferr)
	}
	return err
}

// printer writes text and remembers the first error.
type printer struct {
	w   *bufio.Writer
	err error
}

func (p *printer) print(ss ...string) {
	for _, s := range ss {
		if p.err == nil {
			_, p.err = p.w.WriteString(s)
		}
	}
}

// logf writes one warning line to opts.Log.
func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}
