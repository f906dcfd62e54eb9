package conf

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"sync"
)

// Conf is a Hadoop configuration. It is safe for concurrent use.
type Conf struct {
	mu       sync.RWMutex
	props    map[string]string // resource values, after the final rules
	final    map[string]bool   // keys a resource marked final
	overlay  map[string]string // Set values (-D); they win over resources
	warnings []string

	env func(string) (string, bool)
	sys map[string]string
	log *slog.Logger
}

// Option configures a Conf made by New or Load.
type Option func(*Conf)

// WithEnv replaces the environment used by ${env.NAME} (os.LookupEnv by
// default).
func WithEnv(lookup func(string) (string, bool)) Option {
	return func(c *Conf) { c.env = lookup }
}

// WithSystemProperties adds or replaces Java system properties seen by
// ${name} expansion (for example hadoop.home.dir or hadoop.log.dir, which
// Hadoop's scripts pass to the JVM).
func WithSystemProperties(props map[string]string) Option {
	return func(c *Conf) {
		for k, v := range props {
			c.sys[k] = v
		}
	}
}

// WithLogger sets where warnings (final overrides, bad booleans) are logged;
// slog.Default() by default.
func WithLogger(l *slog.Logger) Option {
	return func(c *Conf) { c.log = l }
}

// New returns an empty configuration: no defaults, no files.
func New(opts ...Option) *Conf {
	c := &Conf{
		props:   map[string]string{},
		final:   map[string]bool{},
		overlay: map[string]string{},
		env:     os.LookupEnv,
		sys:     defaultSystemProperties(),
		log:     slog.Default(),
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Load returns the configuration an HDFS daemon started with --config dir
// would see: core defaults, dir/core-site.xml, hdfs defaults,
// dir/hdfs-site.xml. Missing site files are skipped, as Hadoop does; dir ""
// gives the defaults only.
func Load(dir string, opts ...Option) (*Conf, error) {
	c := New(opts...)
	c.addTable("core-default.xml", coreDefaults)
	if err := c.addSiteFile(dir, "core-site.xml"); err != nil {
		return nil, err
	}
	c.addTable("hdfs-default.xml", hdfsDefaults)
	if err := c.addSiteFile(dir, "hdfs-site.xml"); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Conf) addSiteFile(dir, name string) error {
	if dir == "" {
		return nil
	}
	err := c.AddFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// ConfDir picks the configuration directory like Hadoop's scripts: the
// explicit --config value, else $HADOOP_CONF_DIR, else $HADOOP_HOME/conf
// when it holds hadoop-env.sh (the old layout), else $HADOOP_HOME/etc/hadoop
// if it exists. It returns "" when there is none.
func ConfDir(explicit string) string {
	if explicit != "" {
		return explicit
	}
	if d := os.Getenv("HADOOP_CONF_DIR"); d != "" {
		return d
	}
	home := os.Getenv("HADOOP_HOME")
	if home == "" {
		return ""
	}
	if isFile(filepath.Join(home, "conf", "hadoop-env.sh")) {
		return filepath.Join(home, "conf")
	}
	d := filepath.Join(home, "etc", "hadoop")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// AddFile loads one Hadoop XML resource on top of what is loaded (Hadoop's
// addResource(Path), as used by -conf). Relative xi:include hrefs resolve
// against the file's directory.
func (c *Conf) AddFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("conf: %w", err)
	}
	p := &xmlParser{name: path, open: openFileInclude(filepath.Dir(path))}
	props, err := p.parse(data)
	if err != nil {
		return err
	}
	c.addProperties(path, props)
	return nil
}

// AddXML loads one Hadoop XML resource held in memory; name is used in
// messages. xi:include elements resolve to nothing (their fallback applies).
func (c *Conf) AddXML(name string, data []byte) error {
	p := &xmlParser{name: name, open: noInclude}
	props, err := p.parse(data)
	if err != nil {
		return err
	}
	c.addProperties(name, props)
	return nil
}

func (c *Conf) addTable(name string, table map[string]string) {
	props := make([]Property, 0, len(table))
	for k, v := range table {
		props = append(props, Property{Name: k, Value: v, HasValue: true})
	}
	c.addProperties(name, props)
}

// addProperties applies one resource in order: a value replaces the
// current one unless an earlier resource made the key final; a final flag
// sticks even when the property has no value.
func (c *Conf) addProperties(resource string, props []Property) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range props {
		key := canonicalKey(p.Name)
		if p.HasValue {
			if !c.final[key] {
				c.props[key] = p.Value
			} else if old, ok := c.props[key]; ok && old != p.Value {
				c.warnLocked(fmt.Sprintf("conf: %s: an attempt to override final parameter: %s; ignoring", resource, key))
			}
		}
		if p.Final {
			c.final[key] = true
		}
	}
}

func (c *Conf) warnLocked(msg string) {
	c.warnings = append(c.warnings, msg)
	c.log.Warn(msg)
}

// Warnings returns the warnings gathered so far (final overrides ignored,
// invalid booleans replaced by their default, failed expansions).
func (c *Conf) Warnings() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]string(nil), c.warnings...)
}

// Set sets key to value as -D key=value does: it wins over every resource,
// final or not, loaded before or after.
func (c *Conf) Set(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.overlay[canonicalKey(key)] = value
}

// Unset removes key from the resources and from the Set values.
func (c *Conf) Unset(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := canonicalKey(key)
	delete(c.props, k)
	delete(c.overlay, k)
}

// IsFinal reports whether a resource marked key final.
func (c *Conf) IsFinal(key string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.final[canonicalKey(key)]
}

// Keys returns every key with a value, sorted.
func (c *Conf) Keys() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	seen := make(map[string]bool, len(c.props)+len(c.overlay))
	for k := range c.props {
		seen[k] = true
	}
	for k := range c.overlay {
		seen[k] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Clone returns an independent copy.
func (c *Conf) Clone() *Conf {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := &Conf{
		props:    cloneMap(c.props),
		final:    cloneMap(c.final),
		overlay:  cloneMap(c.overlay),
		warnings: append([]string(nil), c.warnings...),
		env:      c.env,
		sys:      cloneMap(c.sys),
		log:      c.log,
	}
	return n
}

func cloneMap[V any](m map[string]V) map[string]V {
	n := make(map[string]V, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}

// defaultSystemProperties returns the Java system properties a Hadoop
// daemon has that configurations commonly reference.
func defaultSystemProperties() map[string]string { return cloneMap(systemProperties()) }

var systemProperties = sync.OnceValue(func() map[string]string {
	m := map[string]string{"java.io.tmpdir": "/tmp"}
	if u, err := user.Current(); err == nil {
		m["user.name"] = u.Username
		m["user.home"] = u.HomeDir
	} else if name := os.Getenv("USER"); name != "" {
		m["user.name"] = name
	}
	if wd, err := os.Getwd(); err == nil {
		m["user.dir"] = wd
	}
	return m
})
