package conf

import "time"

// reader reads typed values and keeps the first error, so a typed reader
// is one struct literal.
type reader struct {
	c   *Conf
	err error
}

func (r *reader) keep(err error) {
	if r.err == nil && err != nil {
		r.err = err
	}
}

func (r *reader) int(key string, def int) int {
	v, err := r.c.GetInt(key, def)
	r.keep(err)
	return v
}

func (r *reader) int64(key string, def int64) int64 {
	v, err := r.c.GetInt64(key, def)
	r.keep(err)
	return v
}

func (r *reader) float(key string, def float64) float64 {
	v, err := r.c.GetFloat(key, def)
	r.keep(err)
	return v
}

// millis reads an integer number of milliseconds (getInt, no suffixes).
func (r *reader) millis(key string, def int) time.Duration {
	return time.Duration(r.int(key, def)) * time.Millisecond
}

// duration reads a value Hadoop reads with getTimeDuration.
func (r *reader) duration(key string, def, unit time.Duration) time.Duration {
	v, err := r.c.GetDuration(key, def, unit)
	r.keep(err)
	return v
}

func (r *reader) size(key string, def int64) int64 {
	v, err := r.c.GetSize(key, def)
	r.keep(err)
	return v
}

func (r *reader) trimmed(key, def string) string {
	v, ok, err := r.c.lookupTrimmed(key)
	r.keep(err)
	if !ok {
		return def
	}
	return v
}

// Reader reads typed values for a daemon's configuration and keeps the
// first error, so that reading a configuration is a list of calls with
// one error check at the end.
type Reader struct{ r reader }

// NewReader reads from c.
func NewReader(c *Conf) *Reader { return &Reader{reader{c: c}} }

// Int is GetInt.
func (r *Reader) Int(key string, def int) int { return r.r.int(key, def) }

// Int64 is GetInt64.
func (r *Reader) Int64(key string, def int64) int64 { return r.r.int64(key, def) }

// Float is GetFloat.
func (r *Reader) Float(key string, def float64) float64 { return r.r.float(key, def) }

// Duration is GetDuration (Hadoop's getTimeDuration).
func (r *Reader) Duration(key string, def, unit time.Duration) time.Duration {
	return r.r.duration(key, def, unit)
}

// Size is GetSize (Hadoop's getLongBytes).
func (r *Reader) Size(key string, def int64) int64 { return r.r.size(key, def) }

// Trimmed is the trimmed value, or def when the key is not set.
func (r *Reader) Trimmed(key, def string) string { return r.r.trimmed(key, def) }

// Bool is GetBool.
func (r *Reader) Bool(key string, def bool) bool { return r.r.c.GetBool(key, def) }

// Err is the first error met.
func (r *Reader) Err() error { return r.r.err }
