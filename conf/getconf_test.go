package conf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// runGetConf runs the tool and returns stdout, stderr and the exit code.
func runGetConf(c *Conf, n Network, args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := RunGetConf(c, n, args, &out, &errOut)
	return out.String(), errOut.String(), code
}

type getConfCase struct {
	args    []string
	stdout  string
	stderr  string
	code    int
	comment string
}

func checkGetConf(t *testing.T, c *Conf, n Network, cases []getConfCase) {
	t.Helper()
	for _, tt := range cases {
		out, errOut, code := runGetConf(c, n, tt.args...)
		if out != tt.stdout || errOut != tt.stderr || code != tt.code {
			t.Errorf("getconf %s (%s):\n stdout %q want %q\n stderr %q want %q\n exit %d want %d",
				strings.Join(tt.args, " "), tt.comment, out, tt.stdout, errOut, tt.stderr, code, tt.code)
		}
	}
}

func TestGetConfArguments(t *testing.T) {
	c := newConf(t, "mykey= myval ", "dfs.hosts=/etc/hadoop/dfs.include", "dfs.hosts.exclude=/etc/hadoop/dfs.exclude",
		"loop=${loop2}", "loop2=${loop}")
	usage := GetConfUsage + "\n"
	checkGetConf(t, c, loopbackNet(), []getConfCase{
		{nil, "", usage, 255, "no command prints usage"},
		{[]string{"-invalidArgument"}, "", usage, 255, "unknown command prints usage"},
		{[]string{"-confKey", "mykey"}, "myval\n", "", 0, "value is trimmed"},
		{[]string{"-CONFKEY", "mykey"}, "myval\n", "", 0, "commands are case-insensitive"},
		{[]string{"-confKey", "nokey"}, "", "Configuration nokey is missing.\n", 255, "missing key"},
		{[]string{"-confKey"}, "", "usage: -confKey [key]\n", 255, "key required"},
		{[]string{"-confKey", "a", "b"}, "", "usage: -confKey [key]\n", 255, "one key only"},
		{[]string{"-confKey", "loop"}, "", "Variable substitution depth too large: 20 ${loop2}\n", 255, "expansion failure"},
		{[]string{"-namenodes", "unexpected-arg"}, "", "Did not expect argument: unexpected-arg\n", 255, "extra argument"},
		{[]string{"-includeFile"}, "/etc/hadoop/dfs.include\n", "", 0, "dfs.hosts"},
		{[]string{"-excludeFile"}, "/etc/hadoop/dfs.exclude\n", "", 0, "dfs.hosts.exclude"},
	})
	out, _, code := runGetConf(c, loopbackNet(), "-h")
	if code != 0 || !strings.HasPrefix(out, GetConfUsage) || !strings.Contains(out, "-D <property=value>") {
		t.Errorf("-h: %d %q", code, out)
	}
	for _, flag := range []string{"-namenodes", "-secondaryNameNodes", "-backupNodes", "-journalNodes",
		"-includeFile", "-excludeFile", "-nnRpcAddresses", "-confKey [key]"} {
		if !strings.Contains(GetConfUsage, "["+flag+"]") {
			t.Errorf("usage lacks %s", flag)
		}
	}
}

// As Hadoop's TestGetConf.testEmptyConf: with no resources at all every
// address command fails and every key command reports its key missing.
func TestGetConfEmptyConfiguration(t *testing.T) {
	c := New(quiet)
	checkGetConf(t, c, loopbackNet(), []getConfCase{
		{[]string{"-namenodes"}, "", "Incorrect configuration: namenode address dfs.namenode.servicerpc-address.[] or dfs.namenode.rpc-address.[] is not configured.\n", 255, ""},
		{[]string{"-nnRpcAddresses"}, "", "Incorrect configuration: namenode address dfs.namenode.servicerpc-address.[] or dfs.namenode.rpc-address.[] is not configured.\n", 255, ""},
		{[]string{"-secondaryNameNodes"}, "", "Incorrect configuration: secondary namenode address dfs.namenode.secondary.http-address is not configured.\n", 255, ""},
		{[]string{"-backupNodes"}, "", "Incorrect configuration: backup node address dfs.namenode.backup.address is not configured.\n", 255, ""},
		{[]string{"-journalNodes"}, "\n", "", 0, "no shared edits: an empty line"},
		{[]string{"-includeFile"}, "", "Configuration dfs.hosts is missing.\n", 255, ""},
		{[]string{"-excludeFile"}, "", "Configuration dfs.hosts.exclude is missing.\n", 255, ""},
	})
}

// As Hadoop's TestGetConf.testNonFederation and testFederation.
func TestGetConfAddresses(t *testing.T) {
	n := loopbackNet()
	single := newConf(t, "dfs.namenode.rpc-address=localhost:1000", "dfs.namenode.backup.address=localhost:1001",
		"dfs.namenode.secondary.http-address=localhost:1002")
	checkGetConf(t, single, n, []getConfCase{
		{[]string{"-namenodes"}, "localhost\n", "", 0, ""},
		{[]string{"-nnRpcAddresses"}, "localhost:1000\n", "", 0, ""},
		{[]string{"-backupNodes"}, "localhost\n", "", 0, ""},
		{[]string{"-secondaryNameNodes"}, "localhost\n", "", 0, ""},
	})
	single.Set("dfs.namenode.servicerpc-address", "localhost:1001")
	checkGetConf(t, single, n, []getConfCase{
		{[]string{"-namenodes"}, "localhost\n", "", 0, "service address preferred"},
		{[]string{"-nnRpcAddresses"}, "localhost:1001\n", "", 0, "service address preferred"},
	})

	var entries []string
	var ns []string
	for i := range 3 {
		ns = append(ns, fmt.Sprintf("ns%d", i))
		entries = append(entries,
			fmt.Sprintf("dfs.namenode.rpc-address.ns%d=nn%d:%d", i, i, 1000+i),
			fmt.Sprintf("dfs.namenode.backup.address.ns%d=nn%d:%d", i, i, 2000+i),
			fmt.Sprintf("dfs.namenode.secondary.http-address.ns%d=nn%d:%d", i, i, 3000+i))
	}
	fed := newConf(t, append(entries, "dfs.nameservices="+strings.Join(ns, ","))...)
	checkGetConf(t, fed, n, []getConfCase{
		{[]string{"-namenodes"}, "nn0 nn1 nn2\n", "", 0, ""},
		{[]string{"-nnRpcAddresses"}, "nn0:1000\nnn1:1001\nnn2:1002\n", "", 0, ""},
		{[]string{"-backupNodes"}, "nn0 nn1 nn2\n", "", 0, ""},
		{[]string{"-secondaryNameNodes"}, "nn0 nn1 nn2\n", "", 0, ""},
	})
	fed.Set("dfs.internal.nameservices", "ns1")
	checkGetConf(t, fed, n, []getConfCase{
		{[]string{"-namenodes"}, "nn1\n", "", 0, "internal nameservices only"},
		{[]string{"-nnRpcAddresses"}, "nn1:1001\n", "", 0, "internal nameservices only"},
	})
}

func TestGetConfLazyResolutionKeepsLiterals(t *testing.T) {
	c := newConf(t, "dfs.namenode.rpc-address=127.0.0.1:8020", "dfs.client.failover.lazy.resolved=true")
	checkGetConf(t, c, loopbackNet(), []getConfCase{
		{[]string{"-namenodes"}, "127.0.0.1\n", "", 0, ""},
	})
}

func TestGetConfWithSystemNetwork(t *testing.T) {
	var out, errOut bytes.Buffer
	c := newConf(t, "dfs.namenode.shared.edits.dir.ns1=qjournal://j/ns1", "dfs.namenode.shared.edits.dir=file:///x")
	if code := GetConf(c, []string{"-confKey", "dfs.namenode.shared.edits.dir"}, &out, &errOut); code != 0 || out.String() != "file:///x\n" {
		t.Errorf("%d %q %q", code, out.String(), errOut.String())
	}
	if v, _ := SharedEditsDir(c, "ns1", "nn1"); v != "qjournal://j/ns1" {
		t.Errorf("SharedEditsDir = %q", v)
	}
}
