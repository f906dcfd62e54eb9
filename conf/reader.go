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
