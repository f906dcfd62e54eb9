package dfsio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// usageExit is the process status of TestDFSIO's System.exit(-1).
const usageExit = 255

// env is what a run needs from outside its command line.
type env struct {
	stdout, stderr io.Writer
	open           Opener
	now            func() time.Time
	procRoot       string
	bounds         boundsConfig
}

// Run runs TestDFSIO's command line args against the cluster named by -fs
// (or -D fs.defaultFS=, or else the Hadoop configuration), which open
// connects to (stockclient.Open for the stock Go client), printing the
// results on stdout and progress and errors on stderr. It returns the
// process exit status: 0, 1 on errors (ErrNoClient when open is nil and
// the command line is valid), 255 after the usage.
//
// When the environment variable HDFSD_DFSIO_FLOOR is set, Run ignores args:
// it is the child process of a CPU floor, which a run starts by running
// its own binary again with its own arguments (whatever calls Run must
// therefore call it again for them).
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, open Opener) int {
	if spec, ok := os.LookupEnv(floorEnv); ok {
		return runFloorChild(spec, stdout, stderr)
	}
	return run(ctx, args, env{stdout: stdout, stderr: stderr, open: open,
		now: time.Now, procRoot: "/proc", bounds: defaultBounds})
}

func run(ctx context.Context, args []string, e env) int {
	err := runErr(ctx, args, e)
	var u usageError
	switch {
	case errors.As(err, &u):
		fmt.Fprintln(e.stderr, u.msg)
		io.WriteString(e.stderr, usage)
		return usageExit
	case err != nil:
		fmt.Fprintln(e.stderr, err)
		return 1
	}
	return 0
}

func runErr(ctx context.Context, args []string, e env) error {
	c, err := parseArgs(args)
	if err != nil {
		return err
	}
	if e.open == nil {
		return ErrNoClient
	}
	fs, err := e.open(ctx, c.addr)
	if err != nil {
		return err
	}
	defer fs.Close()
	if c.mode == modeClean {
		fmt.Fprintf(e.stderr, "Cleaning up test files: %s\n", c.baseDir)
		if err := fs.RemoveAll(c.baseDir); err != nil {
			return fmt.Errorf("dfsio: removing %s: %w", c.baseDir, err)
		}
		return nil
	}
	fmt.Fprintf(e.stderr, "nrFiles = %d\nnrBytes (MB) = %s\nbufferSize = %d\nreplication = %d\nbaseDir = %s\n",
		c.nrFiles, decimal(float64(toMB(c.size))), c.bufferSize, c.replication, c.baseDir)
	pids, err := dataNodePIDs(c.dnPIDs, e)
	if err != nil {
		return err
	}
	if c.mode == modeWrite {
		if err := prepareWrite(fs, c.baseDir); err != nil {
			return err
		}
	}
	r, err := runIO(ctx, fs, c, pids, e)
	if err != nil {
		return err
	}
	lines := resultLines(c.mode, e.now(), sum(r.results), r.wall.Milliseconds())
	resErr := writeResult(e.stdout, c.resFile, lines)
	if c.bounds {
		fmt.Fprintf(e.stderr, "Measuring machine bounds (disk in %s)\n", c.diskDir)
		b := measureBounds(ctx, c.diskDir, r.bytes, e.bounds)
		r.bounds = &b
		fmt.Fprintf(e.stderr, "Measuring the DataNode CPU floor (%s in %s)\n", decimal(float64(c.floorSize)/mega)+" MB", c.diskDir)
		f := measureFloor(ctx, c.mode, c.diskDir, c.floorSize)
		r.floor = &f
	}
	printExtras(e.stdout, r.report)
	fmt.Fprintln(e.stdout, summaryLine(r.report))
	return resErr
}

// dataNodePIDs resolves -dnpids.
func dataNodePIDs(flag string, e env) ([]int, error) {
	switch flag {
	case "":
		return nil, nil
	case "auto":
		pids, err := findDataNodes(e.procRoot)
		if err == nil && len(pids) == 0 {
			fmt.Fprintln(e.stderr, "dfsio: -dnpids auto: no \"hdfsd datanode\" process found; DataNode CPU not measured")
		}
		return pids, err
	}
	return parsePIDs(flag)
}

// prepareWrite empties the data directory, as writeTest deletes it.
func prepareWrite(fs FS, baseDir string) error {
	if err := fs.RemoveAll(dataDir(baseDir)); err != nil {
		return fmt.Errorf("dfsio: removing %s: %w", dataDir(baseDir), err)
	}
	if err := fs.MkdirAll(dataDir(baseDir)); err != nil {
		return fmt.Errorf("dfsio: creating %s: %w", dataDir(baseDir), err)
	}
	return nil
}

// ioRun is the I/O phase's outcome.
type ioRun struct {
	report
	results []fileResult
}

// runIO reads or writes all files at once, measuring the CPU the
// DataNodes and this process spend meanwhile.
func runIO(ctx context.Context, fs FS, c config, pids []int, e env) (ioRun, error) {
	r := ioRun{report: report{c: c, files: c.nrFiles}}
	var dnBefore time.Duration
	if len(pids) > 0 {
		r.dn = &cpuUse{pids: pids}
		dnBefore, r.dn.err = procCPU(e.procRoot, pids)
	}
	clientBefore, clientErr := selfCPU()
	wbuf := pattern(c.bufferSize) // only read, so the writers share it
	start := time.Now()
	results, err := runFiles(ctx, c.nrFiles, func(ctx context.Context, i int) (fileResult, error) {
		if c.mode == modeWrite {
			return writeFile(ctx, fs, fileName(c.baseDir, i), c, wbuf)
		}
		return readFile(ctx, fs, fileName(c.baseDir, i), c, make([]byte, c.bufferSize))
	})
	r.wall = time.Since(start)
	clientAfter, err2 := selfCPU()
	r.client = cpuUse{cpu: clientAfter - clientBefore, err: errors.Join(clientErr, err2)}
	if r.dn != nil && r.dn.err == nil {
		var dnAfter time.Duration
		dnAfter, r.dn.err = procCPU(e.procRoot, pids)
		r.dn.cpu = dnAfter - dnBefore
	}
	if err != nil {
		return r, err
	}
	r.results = results
	t := sum(results)
	r.bytes = t.size
	var busy time.Duration
	for _, f := range results {
		busy += f.elapsed
	}
	if busy > 0 {
		r.tput = float64(t.size) / mega / busy.Seconds()
	}
	return r, nil
}
