package conf

import (
	"reflect"
	"testing"
)

func TestParseQJournal(t *testing.T) {
	tests := []struct {
		uri     string
		want    QJournal
		wantErr string // Hadoop's message, "" for success
	}{
		{
			uri:  "qjournal://127.0.0.1:37201;127.0.0.1:37202;127.0.0.1:37203/ns1",
			want: QJournal{Journals: []Addr{{"127.0.0.1", 37201}, {"127.0.0.1", 37202}, {"127.0.0.1", 37203}}, JournalID: "ns1"},
		},
		{
			uri:  "qjournal://jn1;jn2:9999;jn3/cluster-a",
			want: QJournal{Journals: []Addr{{"jn1", 8485}, {"jn2", 9999}, {"jn3", 8485}}, JournalID: "cluster-a"},
		},
		{
			uri:  "qjournal://jn1;jn2;/j",
			want: QJournal{Journals: []Addr{{"jn1", 8485}, {"jn2", 8485}}, JournalID: "j"},
		},
		{uri: "qjournal:///ns1", wantErr: "URI has no authority: qjournal:///ns1"},
		{uri: "qjournal://jn1:8485", wantErr: "Bad URI 'qjournal://jn1:8485': must identify journal in path component"},
		{uri: "qjournal://jn1:8485/", wantErr: "bad journal id: "},
		{uri: "qjournal://jn1:8485/a/b", wantErr: "bad journal id: a/b"},
		{uri: "qjournal://jn1:8485/.hidden", wantErr: "bad journal id: .hidden"},
		{uri: "qjournal://jn_1:8485/ns1", wantErr: "Does not contain a valid host:port authority: jn_1:8485"},
		{uri: "qjournal://jn1;;jn2/ns1", wantErr: "Does not contain a valid host:port authority: "},
		{uri: "file:///shared/dir", wantErr: "-"},
		{uri: "qjournal://jn0 :8020/ns1", wantErr: "-"},
	}
	for _, tt := range tests {
		got, err := ParseQJournal(tt.uri)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.uri, err)
		case tt.wantErr == "" && !reflect.DeepEqual(got, tt.want):
			t.Errorf("%s = %+v, want %+v", tt.uri, got, tt.want)
		case tt.wantErr == "-" && err == nil:
			t.Errorf("%s: no error", tt.uri)
		case tt.wantErr != "" && tt.wantErr != "-" && (err == nil || hadoopMessage(err) != tt.wantErr):
			t.Errorf("%s: err = %v, want %q", tt.uri, err, tt.wantErr)
		}
	}
}

func TestQJournalString(t *testing.T) {
	q, err := ParseQJournal("qjournal://a;b:1/j")
	must(t, err)
	if s := q.String(); s != "qjournal://a:8485;b:1/j" {
		t.Errorf("String = %s", s)
	}
}

// The cases follow Hadoop's TestGetConf.testGetJournalNodes.
func TestJournalNodeHosts(t *testing.T) {
	n := &fakeNet{hosts: map[string]string{"jn0": "10.0.0.10", "jn1": "10.0.0.11", "jn2": "10.0.0.12"}}
	base := "qjournal://jn0:8485;jn1:8485;jn2:8485"
	all := []string{"jn1", "jn0", "jn2"} // Java HashSet order
	tests := []struct {
		name    string
		entries []string
		want    []string
		wantErr string
	}{
		{"plain key", []string{"dfs.namenode.shared.edits.dir=" + base + "/"}, all, ""},
		{"per nameservice", []string{"dfs.nameservices=ns0,ns1", "dfs.ha.namenodes.ns0=nn0,nn1", "dfs.ha.namenodes.ns1=nn0, nn1",
			"dfs.namenode.shared.edits.dir.ns0=" + base + "/ns0", "dfs.namenode.shared.edits.dir.ns1=" + base + "/ns1"}, all, ""},
		{"per namenode", []string{"dfs.nameservices=ns0", "dfs.ha.namenodes.ns0=nn0,nn1",
			"dfs.namenode.shared.edits.dir.ns0.nn0=" + base + "/ns0", "dfs.namenode.shared.edits.dir.ns0.nn1=" + base + "/ns0"}, all, ""},
		{"nameservices without shared edits", []string{"dfs.nameservices=ns0,ns1"}, nil, ""},
		{"shared storage directory", []string{"dfs.namenode.shared.edits.dir=file:///mnt/filer1/dfs/ha-name-dir-shared"}, nil, ""},
		{"stops at the first nameservice without qjournal", []string{"dfs.nameservices=ns0,ns1",
			"dfs.namenode.shared.edits.dir.ns0=file:///x", "dfs.namenode.shared.edits.dir.ns1=" + base + "/ns1"}, nil, ""},
		{"unknown host", []string{"dfs.namenode.shared.edits.dir=qjournal://jn1:8020;jn9:8020/jndata"}, nil, "qjournal://jn1:8020;jn9:8020/jndata"},
		{"malformed uri", []string{"dfs.namenode.shared.edits.dir=qjournal://jn0 :8020;jn1:8020/jndata"}, nil,
			"The conf property dfs.namenode.shared.edits.diris not properly set with correct journal node uri: qjournal://jn0 :8020;jn1:8020/jndata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JournalNodeHosts(newConf(t, tt.entries...), n)
			if tt.wantErr != "" {
				if err == nil || hadoopMessage(err) != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("hosts = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
