package conf

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestGetInt(t *testing.T) {
	tests := []struct {
		value   string
		want    int64
		wantErr bool
		bits64  bool
	}{
		{value: "10", want: 10},
		{value: " 10 ", want: 10},
		{value: "+5", want: 5},
		{value: "-7", want: -7},
		{value: "0x10", want: 16},
		{value: "0X1f", want: 31},
		{value: "-0x10", want: -16},
		{value: "2147483647", want: 2147483647},
		{value: "2147483648", wantErr: true},
		{value: "2147483648", want: 2147483648, bits64: true},
		{value: "1k", wantErr: true},
		{value: "1_000", wantErr: true},
		{value: "", wantErr: true},
	}
	for _, tt := range tests {
		c := newConf(t)
		c.Set("n", tt.value)
		var got int64
		var err error
		if tt.bits64 {
			got, err = c.GetInt64("n", -1)
		} else {
			var n int
			n, err = c.GetInt("n", -1)
			got = int64(n)
		}
		if tt.wantErr {
			if !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), `n="`) {
				t.Errorf("%q: err = %v, want one naming the key and value", tt.value, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q = %d, %v; want %d", tt.value, got, err, tt.want)
		}
	}
	if n, err := newConf(t).GetInt("unset", 42); n != 42 || err != nil {
		t.Errorf("unset key: %d, %v", n, err)
	}
}

func TestGetDurationUsesHadoopSuffixes(t *testing.T) {
	tests := []struct {
		value string
		unit  time.Duration
		want  time.Duration
		err   bool
	}{
		{"10", time.Second, 10 * time.Second, false},
		{"10", time.Millisecond, 10 * time.Millisecond, false},
		{"10s", time.Millisecond, 10 * time.Second, false},
		{"5S", time.Millisecond, 5 * time.Second, false},
		{"250ms", time.Second, 250 * time.Millisecond, false},
		{"7us", time.Second, 7 * time.Microsecond, false},
		{"9ns", time.Second, 9, false},
		{"3m", time.Second, 3 * time.Minute, false},
		{"2h", time.Second, 2 * time.Hour, false},
		{"1d", time.Second, 24 * time.Hour, false},
		{" 4s ", time.Second, 4 * time.Second, false},
		{"-3s", time.Second, -3 * time.Second, false},
		{"10 s", time.Second, 0, true},
		{"1.5s", time.Second, 0, true},
		{"s", time.Second, 0, true},
		{"", time.Second, 0, true},
		{"10w", time.Second, 0, true},
		{"9999999999999d", time.Second, 0, true},
	}
	for _, tt := range tests {
		c := newConf(t)
		c.Set("d", tt.value)
		got, err := c.GetDuration("d", time.Hour, tt.unit)
		if tt.err {
			if !errors.Is(err, ErrInvalidValue) {
				t.Errorf("%q: err = %v", tt.value, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q in %v = %v, %v; want %v", tt.value, tt.unit, got, err, tt.want)
		}
	}
	if d, _ := newConf(t).GetDuration("unset", time.Hour, time.Second); d != time.Hour {
		t.Errorf("unset: %v", d)
	}
}

func TestGetSizeUsesBinaryPrefixes(t *testing.T) {
	tests := []struct {
		value string
		want  int64
		err   string
	}{
		{"128m", 134217728, ""},
		{"128M", 134217728, ""},
		{"134217728", 134217728, ""},
		{"1k", 1024, ""},
		{"1g", 1 << 30, ""},
		{"2t", 2 << 40, ""},
		{"1p", 1 << 50, ""},
		{"7e", 7 << 60, ""},
		{"-1k", -1024, ""},
		{" 64m ", 64 << 20, ""},
		{"8e", 0, "8e does not fit in a Long"},
		{"1x", 0, "invalid size prefix 'x'"},
		{"1.5g", 0, "invalid syntax"},
		{"", 0, "empty size"},
	}
	for _, tt := range tests {
		c := newConf(t)
		c.Set("dfs.blocksize", tt.value)
		got, err := c.GetSize("dfs.blocksize", -1)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "dfs.blocksize") {
				t.Errorf("%q: err = %v, want %q", tt.value, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q = %d, %v; want %d", tt.value, got, err, tt.want)
		}
	}
}

func TestGetBoolIsLenientLikeHadoop(t *testing.T) {
	c := newConf(t, "t=TRUE", "f= false ", "bad=yes")
	c.Set("empty", "")
	if !c.GetBool("t", false) || c.GetBool("f", true) {
		t.Error("true/false misread")
	}
	if !c.GetBool("bad", true) || c.GetBool("bad", false) {
		t.Error("an invalid boolean must give the default")
	}
	if !c.GetBool("empty", true) || !c.GetBool("unset", true) {
		t.Error("empty or unset must give the default")
	}
	if w := c.Warnings(); len(w) != 2 || !strings.Contains(w[0], `bad="yes"`) {
		t.Errorf("warnings = %q", w)
	}
}

func TestGetFloatAcceptsJavaSuffix(t *testing.T) {
	c := newConf(t, "pct=0.999f", "one=1", "bad=x")
	if f, err := c.GetFloat("pct", 0); err != nil || f != 0.999 {
		t.Errorf("pct = %v, %v", f, err)
	}
	if f, err := c.GetFloat("one", 0); err != nil || f != 1 {
		t.Errorf("one = %v, %v", f, err)
	}
	if _, err := c.GetFloat("bad", 0); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("bad: %v", err)
	}
}

func TestGetStringsSplitsLikeGetTrimmedStrings(t *testing.T) {
	// Expected values are what Java's "\\s*[,\n]\\s*" split gives.
	tests := []struct {
		value string
		want  []string
	}{
		{"a,b", []string{"a", "b"}},
		{" a , b ", []string{"a", "b"}},
		{"a ,\n b", []string{"a", "b"}},
		{"a\n\nb", []string{"a", "b"}},
		{"a, \n ,b,,", []string{"a", "", "b"}},
		{",a", []string{"", "a"}},
		{"a,,b", []string{"a", "", "b"}},
		{"a\tb", []string{"a\tb"}},
		{"a\x0b,b", []string{"a", "b"}},
		{"x,\x0b\x0b", []string{"x"}},
		{"  ", nil},
		{"", nil},
	}
	for _, tt := range tests {
		c := newConf(t)
		c.Set("l", tt.value)
		if got := c.GetStrings("l"); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q = %q, want %q", tt.value, got, tt.want)
		}
	}
	c := newConf(t)
	c.Set("ns", "ns1, ns2,,ns1\nns3,")
	if got := c.GetStringSet("ns"); !reflect.DeepEqual(got, []string{"ns1", "ns2", "ns3"}) {
		t.Errorf("set = %q", got)
	}
}

func TestGettersReportExpansionFailure(t *testing.T) {
	c := newConf(t, "a=${b}", "b=${a}")
	if _, err := c.GetInt("a", 0); !errors.Is(err, ErrSubstitutionDepth) {
		t.Errorf("GetInt: %v", err)
	}
}
