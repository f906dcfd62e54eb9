package nnbench

import "strconv"

// maxDepth bounds the directory tree depth, as the Java generator's fixed
// 20-level index array does (perDir**20 names).
const maxDepth = 20

// nameGenerator hands out file names in a balanced tree under base: each
// directory holds at most perDir entries, files or subdirectories. It
// follows Hadoop's FileNameGenerator, so both tools create the same paths:
// base/<p>Dir0/<p>0 ... base/<p>Dir0/<p>{perDir-1}, base/<p>Dir1/<p>{perDir},
// and once the top level is full, one level deeper.
type nameGenerator struct {
	base    string
	perDir  int
	index   [maxDepth]int // index of each level's current dir; -1 past the depth
	count   int64
	current string
}

func newNameGenerator(base string, perDir int) *nameGenerator {
	g := &nameGenerator{base: base, perDir: perDir}
	for i := range g.index {
		g.index[i] = -1
	}
	return g
}

// nextDir advances the directory counter like an odometer whose digits run
// 0..perDir-1, growing one digit when every digit wraps.
func (g *nameGenerator) nextDir(prefix string) string {
	depth := 0
	for depth < maxDepth && g.index[depth] >= 0 {
		depth++
	}
	level := depth - 1
	for ; level >= 0 && g.index[level] == g.perDir-1; level-- {
		g.index[level] = 0
	}
	if level < 0 {
		g.index[depth] = 0
	} else {
		g.index[level]++
	}
	dir := g.base
	for l := 0; l < maxDepth && g.index[l] >= 0; l++ {
		dir += "/" + prefix + strconv.Itoa(g.index[l])
	}
	return dir
}

// next returns the next file name with the given prefix.
func (g *nameGenerator) next(prefix string) string {
	if g.count%int64(g.perDir) == 0 {
		g.current = g.nextDir(prefix + "Dir")
	}
	name := g.current + "/" + prefix + strconv.FormatInt(g.count, 10)
	g.count++
	return name
}
