package cli

import (
	"context"
	"fmt"

	"github.com/hdfsd/hdfsd/namenode/editlog"
)

var oevOptions = []option{
	{"i", "inputFile", true},
	{"o", "outputFile", true},
	{"p", "processor", true},
	{"h", "help", false},
}

const oevUsage = `Usage: hdfsd oev [OPTIONS] -i INPUT_FILE -o OUTPUT_FILE
The offline edits viewer: converts an edit log between Hadoop's binary and
XML forms, or counts its ops, as Apache Hadoop's 'hdfs oev'. An input file
ending in .xml is read as XML, anything else as binary.

Required:
  -i,--inputFile <arg>   edits file to process
  -o,--outputFile <arg>  name of the output file (overwritten)
Optional:
  -p,--processor <arg>   binary (XML to binary), xml (the default) or stats
  -h,--help              this text
`

func runOEV(_ context.Context, env *Env, args []string) int {
	opts, err := parseOptions(args, oevOptions)
	switch {
	case err == nil && opts["help"] != "":
		fmt.Fprint(env.Stdout, oevUsage)
		return 0
	case err != nil:
		fmt.Fprintf(env.Stderr, "hdfsd oev: %v\n", err)
		fmt.Fprint(env.Stderr, oevUsage)
		return 255
	case opts["inputFile"] == "" || opts["outputFile"] == "":
		fmt.Fprint(env.Stderr, oevUsage)
		return 255
	}
	if err := editlog.ConvertFile(opts["inputFile"], opts["outputFile"], opts["processor"]); err != nil {
		fmt.Fprintf(env.Stderr, "hdfsd oev: %v\n", err)
		return 1
	}
	return 0
}
