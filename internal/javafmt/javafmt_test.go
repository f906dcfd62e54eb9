package javafmt

import "testing"

func TestJavaFixed2RoundsTheShortestDecimalHalfUp(t *testing.T) {
	for in, want := range map[float64]string{
		1.005: "1.01", 0.125: "0.13", 1.995: "2.00", 2.675: "2.68",
		1023.995: "1024.00", 97.65625: "97.66", 1.0498046875: "1.05", 3: "3.00",
	} {
		if got := Fixed2(in); got != want {
			t.Errorf("Fixed2(%v) = %s, want %s", in, got, want)
		}
	}
}

func TestByteDescIsStringUtilsByteDesc(t *testing.T) {
	for in, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1024: "1 KB", 100000: "97.66 KB", 2 << 20: "2 MB",
		1048575: "1.00 MB", 3670016: "3.50 MB", -2048: "-2 KB", -1 << 63: "-8 EB",
		1<<60 - 1: "1.00 EB", 5<<40 | 12345: "5.00 TB",
	} {
		if got := ByteDesc(in); got != want {
			t.Errorf("ByteDesc(%d) = %q, want %q", in, got, want)
		}
	}
}
