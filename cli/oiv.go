package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hdfsd/hdfsd/namenode/fsimage"
)

var oivOptions = []option{
	{"i", "inputFile", true},
	{"o", "outputFile", true},
	{"p", "processor", true},
	{"delimiter", "delimiter", true},
	{"sp", "sp", false},
	{"ec", "ec", false},
	{"step", "step", true},
	{"maxSize", "maxSize", true},
	{"format", "format", false},
	{"h", "help", false},
}

const oivUsage = `Usage: hdfsd oiv [OPTIONS] -i INPUTFILE -o OUTPUTFILE
The offline image viewer: reads an fsimage (Hadoop's protobuf format) and
writes it in a readable form, as Apache Hadoop's 'hdfs oiv'.

Required:
  -i,--inputFile <arg>   fsimage or XML file to process
Optional:
  -o,--outputFile <arg>  output file; '-' (the default) is standard output
  -p,--processor <arg>   XML, Delimited, FileDistribution or ReverseXML
                         (Hadoop's default, Web, is not provided by hdfsd)
  -delimiter <arg>       Delimited: the column separator (default tab)
  -sp                    Delimited: add the storage policy column
  -ec                    Delimited: add the erasure coding policy column
  -step <arg>            FileDistribution: bucket width in bytes (default 2 MB)
  -maxSize <arg>         FileDistribution: largest size counted (default 128 GB)
  -format                FileDistribution: print sizes with units
  -h,--help              this text
`

func runOIV(_ context.Context, env *Env, args []string) int {
	opts, err := parseOptions(args, oivOptions)
	if err != nil || opts["help"] != "" || opts["inputFile"] == "" {
		if err != nil {
			fmt.Fprintf(env.Stderr, "hdfsd oiv: %v\n", err)
		}
		if opts["help"] != "" {
			fmt.Fprint(env.Stdout, oivUsage)
			return 0
		}
		fmt.Fprint(env.Stderr, oivUsage)
		return 255
	}
	o, err := oivConvertOptions(opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd oiv: %v\n", err)
		return 255
	}
	processor := opts["processor"]
	if processor == "" {
		processor = "Web"
	}
	out := opts["outputFile"]
	if out == "" {
		out = "-"
	}
	if err := fsimage.Convert(opts["inputFile"], out, processor, o); err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd oiv: %v\n", err)
		return 1
	}
	return 0
}

func oivConvertOptions(opts map[string]string) (fsimage.Options, error) {
	o := fsimage.Options{
		Delimiter:          opts["delimiter"],
		PrintStoragePolicy: opts["sp"] != "",
		PrintECPolicy:      opts["ec"] != "",
		Format:             opts["format"] != "",
	}
	if v := opts["step"]; v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return o, fmt.Errorf("-step %q: %w", v, err)
		}
		o.Step = int32(n)
	}
	if v := opts["maxSize"]; v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return o, fmt.Errorf("-maxSize %q: %w", v, err)
		}
		o.MaxSize = n
	}
	return o, nil
}
