package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunSmall(t *testing.T) {
	var buf bytes.Buffer
	if err := Run(context.Background(), &buf, Options{Quick: true, Sizes: []int{8}, AttributionSize: 8, Random: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"trajectory ELS zeros", "trajectory ELS circular", "attribution", "mosaic map"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Log("\n" + out)
}
