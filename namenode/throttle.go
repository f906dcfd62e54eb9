package namenode

import (
	"io"
	"time"
)

// dutyCycle keeps a background task to a share of one core: after every
// slice of work it sleeps in proportion to the time the work took. The
// background checkpoint uses it, so that rebuilding and saving an image
// on the NameNode's own cores leaves them to the clients' calls.
type dutyCycle struct {
	rest  float64 // sleep per unit of work time (2 keeps the task to 1/3)
	start time.Time
	sleep func(time.Duration)
}

func newDutyCycle(share float64) *dutyCycle {
	d := &dutyCycle{rest: 1/share - 1, sleep: time.Sleep}
	d.start = time.Now()
	return d
}

// tick is called often; once 20 ms of work have gone by, it rests.
func (d *dutyCycle) tick() {
	if d == nil || d.rest <= 0 {
		return
	}
	busy := time.Since(d.start)
	if busy < 20*time.Millisecond {
		return
	}
	d.sleep(time.Duration(float64(busy) * d.rest))
	d.start = time.Now()
}

// throttledWriter ticks its duty cycle on every write.
type throttledWriter struct {
	w io.Writer
	d *dutyCycle
}

func (t throttledWriter) Write(p []byte) (int, error) {
	t.d.tick()
	return t.w.Write(p)
}
