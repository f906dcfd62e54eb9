package conf

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidValue is wrapped by every error about a value that does not
	// parse as the type a getter asked for.
	ErrInvalidValue = errors.New("conf: invalid value")
	// ErrSubstitutionDepth is wrapped when expanding a value needs more than
	// Hadoop's 20 substitutions (usually a reference cycle).
	ErrSubstitutionDepth = errors.New("conf: variable substitution depth too large")
	// ErrMissing is wrapped when a required key has no value.
	ErrMissing = errors.New("conf: missing configuration")
	// ErrAmbiguousLocal is wrapped when several configured NameNode
	// addresses are local and the node cannot tell which one it is.
	ErrAmbiguousLocal = errors.New("conf: ambiguous local NameNode")
)

// hadoopError carries a message worded exactly as Hadoop words it, so that
// GetConf can print it unchanged; Error adds the package prefix.
type hadoopError struct {
	msg string
	err error // optional sentinel
}

func (e *hadoopError) Error() string { return "conf: " + e.msg }
func (e *hadoopError) Unwrap() error { return e.err }

func hadoopErrorf(sentinel error, format string, args ...any) error {
	return &hadoopError{msg: fmt.Sprintf(format, args...), err: sentinel}
}

// hadoopMessage returns the Hadoop wording of err when it has one, else
// err's own text.
func hadoopMessage(err error) string {
	var he *hadoopError
	if errors.As(err, &he) {
		return he.msg
	}
	return err.Error()
}

func invalidValue(key, value, what string) error {
	return fmt.Errorf("%w: %s=%q is not %s", ErrInvalidValue, key, value, what)
}
