//go:build !linux

package compattests

import "os/exec"

// dieWithParent does nothing where there is no Pdeathsig; stop and kill
// still end the process when the tests finish normally.
func dieWithParent(*exec.Cmd) {}
