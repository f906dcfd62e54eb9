package cli

import (
	"fmt"
	"strings"
)

// option is one commons-cli style option of a Hadoop tool: a short name
// (-i), a long name (--inputFile) and whether it takes a value.
type option struct {
	short, long string
	hasValue    bool
}

// parseOptions reads Hadoop tool options (-i X, --inputFile X,
// --inputFile=X, and flags without a value) into a map keyed by the long
// name. Any argument that is not a known option is an error, as commons-cli
// reports it.
func parseOptions(args []string, known []option) (map[string]string, error) {
	got := map[string]string{}
	for i := 0; i < len(args); i++ {
		name, inline, hasInline := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") {
			return nil, fmt.Errorf("unexpected argument %q", args[i])
		}
		o, ok := findOption(known, name)
		if !ok {
			return nil, fmt.Errorf("unrecognized option: %s", args[i])
		}
		switch {
		case !o.hasValue:
			got[o.long] = "true"
		case hasInline:
			got[o.long] = inline
		case i+1 < len(args):
			i++
			got[o.long] = args[i]
		default:
			return nil, fmt.Errorf("missing argument for option: %s", name)
		}
	}
	return got, nil
}

func findOption(known []option, name string) (option, bool) {
	for _, o := range known {
		if name == o.short || strings.EqualFold(name, o.long) {
			return o, true
		}
	}
	return option{}, false
}
