package conf

import (
	"fmt"
	"strings"
)

// genericWithArg are Hadoop's generic options (GenericOptionsParser); all
// take one argument.
var genericWithArg = map[string]bool{
	"fs": true, "jt": true, "conf": true, "D": true,
	"libjars": true, "files": true, "archives": true, "tokenCacheFile": true,
}

// ApplyGenericOptions applies the generic options that lead args, as
// Hadoop's ToolRunner does before a tool sees its arguments, and returns
// the rest. -D key=value (or -Dkey=value) and -fs uri become Set values,
// -conf file is loaded as one more resource. Parsing stops at the first
// argument that is not a generic option; "--" ends the options and is
// dropped. -jt, -files, -libjars, -archives and -tokenCacheFile are
// accepted and ignored.
func ApplyGenericOptions(c *Conf, args []string) ([]string, error) {
	opts, rest, err := parseGenericOptions(args)
	if err != nil {
		return nil, err
	}
	// Hadoop's order: -fs, then -conf files, then -D properties.
	for _, v := range opts["fs"] {
		c.Set(KeyDefaultFS, v)
	}
	for _, path := range opts["conf"] {
		if err := c.AddFile(path); err != nil {
			return nil, err
		}
	}
	for _, d := range opts["D"] {
		if k, v, ok := strings.Cut(d, "="); ok {
			c.Set(k, v)
		}
	}
	return rest, nil
}

// parseGenericOptions collects the values of each leading generic option.
func parseGenericOptions(args []string) (map[string][]string, []string, error) {
	opts := map[string][]string{}
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			return opts, args[i+1:], nil
		}
		name, value, inline, ok := genericOption(args[i])
		if !ok {
			return opts, args[i:], nil
		}
		if !inline {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("conf: missing argument for option: %s", name)
			}
			i++
			value = args[i]
		}
		opts[name] = append(opts[name], value)
	}
	return opts, nil, nil
}

// genericOption recognizes "-name", "--name" and the attached form
// "-Dkey=value".
func genericOption(arg string) (name, value string, inline, ok bool) {
	if !strings.HasPrefix(arg, "-") || arg == "-" {
		return "", "", false, false
	}
	name = strings.TrimLeft(arg, "-")
	if genericWithArg[name] {
		return name, "", false, true
	}
	if strings.HasPrefix(arg, "-D") && !strings.HasPrefix(arg, "--") && len(arg) > 2 {
		return "D", arg[2:], true, true
	}
	return "", "", false, false
}
