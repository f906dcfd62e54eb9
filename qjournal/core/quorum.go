package core

// Majority is the quorum size for n JournalNodes: n/2 + 1.
func Majority(n int) int { return n/2 + 1 }

// Tally counts the answers to one quorum call. A call succeeds once a
// majority succeeded, and fails once so many failed that a majority can no
// longer succeed (Hadoop's waitForWriteQuorum: it also returns when every
// node answered).
type Tally struct {
	n       int
	ok      map[int]bool
	errs    map[int]error
	decided bool
}

// NewTally starts counting for n JournalNodes.
func NewTally(n int) *Tally {
	return &Tally{n: n, ok: map[int]bool{}, errs: map[int]error{}}
}

// Add records node id's answer; a second answer from one node is ignored.
func (t *Tally) Add(id int, err error) {
	if t.ok[id] || t.errs[id] != nil {
		return
	}
	if err != nil {
		t.errs[id] = err
		return
	}
	t.ok[id] = true
}

// Succeeded reports that a majority answered without error.
func (t *Tally) Succeeded() bool { return len(t.ok) >= Majority(t.n) }

// Failed reports that a majority can no longer be reached.
func (t *Tally) Failed() bool { return len(t.errs) > t.n-Majority(t.n) }

// Done reports that the call is decided either way.
func (t *Tally) Done() bool { return t.Succeeded() || t.Failed() }

// Successes returns the ids that answered without error.
func (t *Tally) Successes() []int {
	out := make([]int, 0, len(t.ok))
	for id := 0; id < t.n; id++ {
		if t.ok[id] {
			out = append(out, id)
		}
	}
	return out
}

// Err returns the QuorumError of a failed or timed-out call.
func (t *Tally) Err(op string, timeout bool) *QuorumError {
	errs := make(map[int]error, len(t.errs))
	for id, e := range t.errs {
		errs[id] = e
	}
	return &QuorumError{Op: op, Need: Majority(t.n), Successes: len(t.ok), Errors: errs, Timeout: timeout}
}

// AllSucceeded reports that every node answered without error (format,
// upgrade and the other calls that need every JournalNode).
func (t *Tally) AllSucceeded() bool { return len(t.ok) == t.n }

// Answered is how many nodes answered.
func (t *Tally) Answered() int { return len(t.ok) + len(t.errs) }
