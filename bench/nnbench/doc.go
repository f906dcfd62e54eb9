// Package nnbench is a NameNode load generator that speaks the command line
// and prints the results of Apache Hadoop 3.4.1's NNThroughputBenchmark, so
// its numbers can be compared line by line with the Java tool's.
//
// Only the remote mode is supported: the operations go to a NameNode given
// with -fs hdfs://host:port (or -namenode) as ClientProtocol RPCs. Like the
// Java tool, all benchmark threads share one RPC connection.
//
// Each operation runs in the Java tool's phases: parse its flags, split the
// operations among the threads (no two differ by more than one), generate
// the inputs (file names laid out by nameGenerator; open, delete, fileStatus
// and rename first create their files by running a create benchmark), run
// the threads, timing each call in whole milliseconds, then clean up
// (delete the op's directory unless -keepResults). The results of every op
// are printed on stdout once all ops have run; progress goes to stderr.
//
// Divergences from the Java tool, each because the Java behaviour is a bug:
// -keepResults and -logLevel apply to every op of "-op all" (Java applies
// them to the first only, as parsing removes them from the shared argument
// list); a failing thread ends the run with exit status 1 instead of
// hanging. blockReport and replication, which need simulated DataNodes or
// an in-process NameNode, are not supported ("-op all" skips them).
package nnbench
