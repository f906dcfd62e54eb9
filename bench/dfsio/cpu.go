package dfsio

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat: Linux's
// USER_HZ, 100 on every architecture it exports to user space.
const userHZ = 100

// parsePIDs reads a comma-separated list of process ids.
func parsePIDs(s string) ([]int, error) {
	var pids []int
	for f := range strings.SplitSeq(s, ",") {
		pid, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || pid < 1 {
			return nil, fmt.Errorf("dfsio: -dnpids %q: want auto or PID,PID,...", s)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// statCPU reads utime + stime, in clock ticks, from the text of a
// /proc/<pid>/stat. The command name (field 2) is in parentheses and may
// hold spaces and parentheses itself, so the fields are counted from the
// last ')'.
func statCPU(stat string) (int64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("dfsio: /proc stat %.40q: no command name", stat)
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3, state
	const utime, stime = 14 - 3, 15 - 3
	if len(f) <= stime {
		return 0, fmt.Errorf("dfsio: /proc stat %.40q: too few fields", stat)
	}
	u, err1 := strconv.ParseInt(f[utime], 10, 64)
	s, err2 := strconv.ParseInt(f[stime], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("dfsio: /proc stat %.40q: bad utime or stime", stat)
	}
	return u + s, nil
}

// procCPU is the CPU time used so far by all of pids, read from procRoot
// (/proc).
func procCPU(procRoot string, pids []int) (time.Duration, error) {
	var ticks int64
	for _, pid := range pids {
		b, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "stat"))
		if err != nil {
			return 0, fmt.Errorf("dfsio: DataNode pid %d: %w", pid, err)
		}
		t, err := statCPU(string(b))
		if err != nil {
			return 0, fmt.Errorf("dfsio: DataNode pid %d: %w", pid, err)
		}
		ticks += t
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// findDataNodes lists the processes under procRoot whose command line is
// "hdfsd datanode ...", in pid order.
func findDataNodes(procRoot string) ([]int, error) {
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return nil, fmt.Errorf("dfsio: -dnpids auto: %w", err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join(procRoot, e.Name(), "cmdline"))
		if err == nil && isDataNode(cmd) {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids)
	return pids, nil
}

// isDataNode tells whether a NUL-separated command line runs "hdfsd
// datanode", with or without generic options (--config DIR) between.
func isDataNode(cmdline []byte) bool {
	args := bytes.Split(bytes.TrimRight(cmdline, "\x00"), []byte{0})
	if len(args) < 2 || filepath.Base(string(args[0])) != "hdfsd" {
		return false
	}
	for i := 1; i < len(args); i++ {
		switch a := string(args[i]); {
		case a == "--config" || a == "--loglevel":
			i++ // its value
		case a == "datanode":
			return true
		default:
			return false
		}
	}
	return false
}

// selfCPU is this process's user + system CPU time (getrusage).
func selfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("dfsio: getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
