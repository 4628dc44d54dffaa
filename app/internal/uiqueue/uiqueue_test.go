package uiqueue

import (
	"testing"
	"time"
)

func TestQueueRunsPostedWorkOnTheDrainingGoroutine(t *testing.T) {
	var q Queue
	ran := 0
	q.Do(func() { ran++; q.Do(func() { ran++ }) })
	if ran != 0 {
		t.Fatal("Do ran the function at once")
	}
	if n := q.Drain(); n != 2 || ran != 2 {
		t.Fatalf("Drain ran %d (counter %d), want 2", n, ran)
	}
	done := make(chan struct{})
	flag := false
	go func() { q.Do(func() { flag = true }); close(done) }()
	<-done
	q.DrainUntil(t, "the flag", func() bool { return flag }, time.Second)
}
