package boundedread

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadN(t *testing.T) {
	got, err := ReadN(bytes.NewReader([]byte("abcdef")), 4)
	if err != nil || string(got) != "abcd" {
		t.Fatalf("ReadN = %q, %v", got, err)
	}
	// A header claiming 1 GiB over 3 bytes of data: an error naming both
	// counts, and no gigabyte allocated on the way.
	got, err = ReadN(bytes.NewReader([]byte("xyz")), 1<<30)
	if err == nil || !strings.Contains(err.Error(), "3 of 1073741824") {
		t.Fatalf("truncated: %v", err)
	}
	if got != nil {
		t.Errorf("truncated read returned data")
	}
	big := bytes.Repeat([]byte{7}, 3<<20)
	got, err = ReadN(bytes.NewReader(big), len(big))
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("3 MiB read: %v", err)
	}
}
