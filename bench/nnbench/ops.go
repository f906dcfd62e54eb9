package nnbench

import (
	"context"
	"fmt"
)

// namePrefix is the prefix of every generated file and directory name.
const namePrefix = "ThroughputBench"

// op is one op's spec and its generated inputs, indexed [thread][i].
type op struct {
	spec
	names [][]string
	dests [][]string // rename targets
}

// clientName is the lease holder name of a thread: "<op>-client-<thread>".
func (o *op) clientName(thread int) string {
	return fmt.Sprintf("%s-client-%d", o.name, thread)
}

// generate prepares the inputs of every thread before the clock starts.
func (o *op) generate(ctx context.Context, b *bench, perThread []int) error {
	switch o.name {
	case opCreate, opMkdirs:
		return o.generateNames(ctx, b, perThread)
	case opOpen, opDelete, opFileStatus, opRename:
		return o.generateExisting(ctx, b, perThread)
	}
	return nil
}

func (o *op) generateNames(ctx context.Context, b *bench, perThread []int) error {
	if err := b.nn.leaveSafeMode(ctx); err != nil {
		return err
	}
	word := "inputs"
	if o.name != opMkdirs {
		word = "intputs" // sic, as CreateFileStats logs it
	}
	b.logf("Generate %d %s for %s", o.ops, word, o.name)
	g := newNameGenerator(o.baseDir(), o.perDir)
	o.names = make([][]string, len(perThread))
	for t, n := range perThread {
		o.names[t] = make([]string, n)
		for i := range n {
			o.names[t][i] = g.next(namePrefix)
		}
	}
	return nil
}

// generateExisting makes the files that open, delete, fileStatus and
// rename work on: unless -useExisting, it runs a create benchmark (with
// -close) under <base>/create and renames that directory to <base>/<op>.
// The generated names are the same, since both use the same generator.
func (o *op) generateExisting(ctx context.Context, b *bench, perThread []int) error {
	creator := &op{spec: o.spec}
	creator.name, creator.close, creator.useExisting = opCreate, true, false
	if o.useExisting {
		b.logf("useExisting = true. Assuming %d files have been created before.", o.ops)
	} else {
		if _, err := b.benchmark(ctx, creator); err != nil {
			return err
		}
		b.logf("Created %d files.", o.ops)
	}
	if err := o.generateNames(ctx, b, perThread); err != nil {
		return err
	}
	if err := o.adoptCreated(ctx, b, creator.baseDir()); err != nil {
		return err
	}
	if o.name == opRename {
		o.dests = make([][]string, len(o.names))
		for t, names := range o.names {
			for _, n := range names {
				o.dests[t] = append(o.dests[t], n+".r")
			}
		}
	}
	return nil
}

// adoptCreated renames the created directory to the op's one when the
// first exists and the second does not, then checks the op's one exists.
func (o *op) adoptCreated(ctx context.Context, b *bench, created string) error {
	found, err := b.nn.exists(ctx, created)
	if err != nil {
		return err
	}
	if found {
		have, err := b.nn.exists(ctx, o.baseDir())
		if err != nil {
			return err
		}
		if !have {
			if err := b.nn.rename(ctx, created, o.baseDir()); err != nil {
				return err
			}
		}
	}
	if have, err := b.nn.exists(ctx, o.baseDir()); err != nil {
		return err
	} else if !have {
		return fmt.Errorf("nnbench: %s does not exist", o.baseDir())
	}
	return nil
}

// exec runs input i of a thread and returns the time of the NameNode call
// alone, in milliseconds.
func (o *op) exec(ctx context.Context, b *bench, thread, i int) (int64, error) {
	if o.name == opClean {
		if err := b.nn.leaveSafeMode(ctx); err != nil {
			return 0, err
		}
	}
	start := b.ms()
	err := o.call(ctx, b.nn, thread, i)
	elapsed := b.ms() - start
	if err == nil && o.name == opCreate && o.close {
		err = b.nn.complete(ctx, o.names[thread][i], o.clientName(thread))
	}
	return elapsed, err
}

func (o *op) call(ctx context.Context, n nn, thread, i int) error {
	switch o.name {
	case opCreate:
		return n.create(ctx, o.names[thread][i], o.clientName(thread), o.blockSize)
	case opMkdirs:
		return n.mkdirs(ctx, o.names[thread][i])
	case opOpen:
		return n.getBlockLocations(ctx, o.names[thread][i], o.blockSize)
	case opDelete:
		return n.delete(ctx, o.names[thread][i], false)
	case opFileStatus:
		_, err := n.exists(ctx, o.names[thread][i])
		return err
	case opRename:
		return n.rename(ctx, o.names[thread][i], o.dests[thread][i])
	case opClean:
		return n.delete(ctx, o.baseDirName, true)
	}
	return fmt.Errorf("nnbench: no op %q", o.name)
}

// cleanUp deletes the op's directory unless -keepResults.
func (o *op) cleanUp(ctx context.Context, b *bench) error {
	if err := b.nn.leaveSafeMode(ctx); err != nil {
		return err
	}
	if b.common.keepResults || o.name == opClean {
		return nil
	}
	return b.nn.delete(ctx, o.baseDir(), true)
}
