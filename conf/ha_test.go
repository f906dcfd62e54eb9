package conf

import (
	"errors"
	"reflect"
	"testing"
)

func TestSuffixKeyAndLookupOrder(t *testing.T) {
	if k := SuffixKey("dfs.namenode.rpc-address", "ns1", "nn1"); k != "dfs.namenode.rpc-address.ns1.nn1" {
		t.Error(k)
	}
	if k := SuffixKey("dfs.ha.namenodes", "", ""); k != "dfs.ha.namenodes" {
		t.Error(k)
	}
	if k := SuffixKey("k", "", "nn1"); k != "k.nn1" {
		t.Error(k)
	}
	// A NameNode takes key.<ns>.<nn>, then key.<ns>, then key.
	c := newConf(t, "k.ns1.nn1=specific", "k.ns1=service", "k=generic")
	for _, tt := range []struct{ ns, nn, want string }{
		{"ns1", "nn1", "specific"}, {"ns1", "nn2", "service"}, {"ns2", "nn1", "generic"}, {"", "", "generic"},
	} {
		if v, _ := c.GetSuffixed("k", tt.ns, tt.nn); v != tt.want {
			t.Errorf("GetSuffixed(k, %q, %q) = %q, want %q", tt.ns, tt.nn, v, tt.want)
		}
	}
}

func TestNameserviceAndNameNodeIDs(t *testing.T) {
	c := newConf(t, "dfs.nameservices= ns1 ,ns2,,ns1", "dfs.ha.namenodes.ns1=nn1, nn2", "dfs.ha.namenodes=solo")
	if got := NameserviceIDs(c); !reflect.DeepEqual(got, []string{"ns1", "ns2"}) {
		t.Errorf("nameservices = %q", got)
	}
	if got := NameNodeIDs(c, "ns1"); !reflect.DeepEqual(got, []string{"nn1", "nn2"}) {
		t.Errorf("ns1 = %q", got)
	}
	if got := NameNodeIDs(c, "ns2"); got != nil {
		t.Errorf("ns2 = %q", got)
	}
	if got := NameNodeIDs(c, ""); !reflect.DeepEqual(got, []string{"solo"}) {
		t.Errorf("unnamed = %q", got)
	}
}

// twoNameservices is a federated cluster: ns1 is HA (nn1, nn2), ns2 has a
// single NameNode.
var twoNameservices = []string{
	"fs.defaultFS=hdfs://ns1",
	"dfs.nameservices=ns1,ns2",
	"dfs.ha.namenodes.ns1=nn1,nn2",
	"dfs.namenode.rpc-address.ns1.nn1=nn1.example.com:8020",
	"dfs.namenode.rpc-address.ns1.nn2=nn2.example.com:8020",
	"dfs.namenode.servicerpc-address.ns1.nn2=nn2.example.com:8021",
	"dfs.namenode.rpc-address.ns2=nn3.example.com:9000",
}

func TestAddressMaps(t *testing.T) {
	tests := []struct {
		name    string
		entries []string
		lookup  func(*Conf) ([]NNAddr, error)
		want    []NNAddr
		wantErr string
	}{
		{"single NameNode from rpc-address", []string{"dfs.namenode.rpc-address=nn:8020"}, NameNodeServiceRPCAddresses,
			[]NNAddr{{Addr: Addr{"nn", 8020}}}, ""},
		{"service RPC address preferred", []string{"dfs.namenode.rpc-address=nn:8020", "dfs.namenode.servicerpc-address=nn:8021"},
			NameNodeServiceRPCAddresses, []NNAddr{{Addr: Addr{"nn", 8021}}}, ""},
		{"fs.defaultFS when no address key", []string{"fs.defaultFS=hdfs://nn.example.com"}, NameNodeServiceRPCAddresses,
			[]NNAddr{{Addr: Addr{"nn.example.com", 8020}}}, ""},
		{"old bare fs.defaultFS form", []string{"fs.defaultFS=nn.example.com:9000"}, NameNodeServiceRPCAddresses,
			[]NNAddr{{Addr: Addr{"nn.example.com", 9000}}}, ""},
		{"nothing configured", []string{"fs.defaultFS=file:///"}, NameNodeServiceRPCAddresses, nil,
			"Incorrect configuration: namenode address dfs.namenode.servicerpc-address.[] or dfs.namenode.rpc-address.[] is not configured."},
		{"two nameservices, service addresses", twoNameservices, NameNodeServiceRPCAddresses, []NNAddr{
			{"ns1", "nn1", Addr{"nn1.example.com", 8020}, false},
			{"ns1", "nn2", Addr{"nn2.example.com", 8021}, false},
			{"ns2", "", Addr{"nn3.example.com", 9000}, false},
		}, ""},
		{"two nameservices, client addresses", twoNameservices, NameNodeRPCAddresses, []NNAddr{
			{"ns1", "nn1", Addr{"nn1.example.com", 8020}, false},
			{"ns1", "nn2", Addr{"nn2.example.com", 8020}, false},
			{"ns2", "", Addr{"nn3.example.com", 9000}, false},
		}, ""},
		{"internal nameservices only", append([]string{"dfs.internal.nameservices=ns2"}, twoNameservices...), NameNodeServiceRPCAddresses,
			[]NNAddr{{"ns2", "", Addr{"nn3.example.com", 9000}, false}}, ""},
		{"unknown internal nameservice", append([]string{"dfs.internal.nameservices=ns9"}, twoNameservices...), NameNodeServiceRPCAddresses,
			nil, "Unknown nameservice: ns9"},
		{"HA NameNode without address gets the logical default (Hadoop quirk)", []string{"fs.defaultFS=hdfs://ns1",
			"dfs.nameservices=ns1", "dfs.ha.namenodes.ns1=nn1,nn2", "dfs.namenode.rpc-address.ns1.nn1=a:1"},
			NameNodeServiceRPCAddresses, []NNAddr{{"ns1", "nn1", Addr{"a", 1}, false}, {"ns1", "nn2", Addr{"ns1", 8020}, false}}, ""},
		{"suffix must match exactly", []string{"fs.defaultFS=file:///", "dfs.nameservices=ns1", "dfs.ha.namenodes.ns1=nn1,nn2",
			"dfs.namenode.rpc-address.ns1=shared:8020"}, NameNodeServiceRPCAddresses, nil,
			"Incorrect configuration: namenode address dfs.namenode.servicerpc-address.[ns1] or dfs.namenode.rpc-address.[ns1] is not configured."},
		{"address without port", []string{"dfs.namenode.rpc-address=nn"}, NameNodeServiceRPCAddresses, nil,
			"Does not contain a valid host:port authority: nn"},
		{"secondary defaults to 0.0.0.0:9868", nil, SecondaryNameNodeAddresses, []NNAddr{{Addr: Addr{"0.0.0.0", 9868}}}, ""},
		{"secondary not set per NameNode", twoNameservices, SecondaryNameNodeAddresses, nil,
			"Incorrect configuration: secondary namenode address dfs.namenode.secondary.http-address is not configured."},
		{"backup not set per NameNode", twoNameservices, BackupNodeAddresses, nil,
			"Incorrect configuration: backup node address dfs.namenode.backup.address is not configured."},
		{"lifeline may be empty", twoNameservices, NameNodeLifelineRPCAddresses, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("", quiet)
			must(t, err)
			must(t, c.AddXML("site", []byte(site(tt.entries...))))
			got, err := tt.lookup(c)
			if tt.wantErr != "" {
				if err == nil || hadoopMessage(err) != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, %v\nwant %+v", got, err, tt.want)
			}
		})
	}
}

func TestIsHAEnabled(t *testing.T) {
	c := newConf(t, twoNameservices...)
	for ns, want := range map[string]bool{"ns1": true, "ns2": false, "": false} {
		if got, err := IsHAEnabled(c, ns); got != want || err != nil {
			t.Errorf("IsHAEnabled(%q) = %v, %v", ns, got, err)
		}
	}
}

func TestLocalNameNodeInference(t *testing.T) {
	n := &fakeNet{
		hosts: map[string]string{"nn1.example.com": "10.0.0.1", "nn2.example.com": "10.0.0.2", "nn3.example.com": "10.0.0.3"},
		local: map[string]bool{"10.0.0.2": true},
	}
	tests := []struct {
		name           string
		entries        []string
		local          string // overrides the local address when set
		wantNS, wantNN string
		wantErr        error
	}{
		{"matches the local RPC address", twoNameservices, "", "ns1", "nn2", nil},
		{"federated: the other nameservice", twoNameservices, "10.0.0.3", "ns2", "", nil},
		{"no local address: no ids", twoNameservices, "10.9.9.9", "", "", nil},
		{"dfs.nameservice.id and dfs.ha.namenode.id win", append([]string{"dfs.nameservice.id=ns1", "dfs.ha.namenode.id= nn1 "}, twoNameservices...), "", "ns1", "nn1", nil},
		{"a single nameservice needs no match", []string{"dfs.nameservices=only", "dfs.ha.namenodes.only=a,b",
			"dfs.namenode.rpc-address.only.a=nn1.example.com:1", "dfs.namenode.rpc-address.only.b=nn2.example.com:1"}, "", "only", "b", nil},
		{"two local addresses are ambiguous", []string{"dfs.nameservices=ns1", "dfs.ha.namenodes.ns1=nn1,nn2",
			"dfs.namenode.rpc-address.ns1.nn1=127.0.0.1:1", "dfs.namenode.rpc-address.ns1.nn2=127.0.0.1:2"}, "", "", "", ErrAmbiguousLocal},
		{"dfs.ha.namenode.id settles the ambiguity", []string{"dfs.nameservices=ns1,ns2", "dfs.ha.namenodes.ns1=nn1,nn2", "dfs.ha.namenode.id=nn2",
			"dfs.namenode.rpc-address.ns1.nn1=127.0.0.1:1", "dfs.namenode.rpc-address.ns1.nn2=127.0.0.1:2"}, "", "ns1", "nn2", nil},
		{"unresolvable and malformed addresses are skipped", []string{"dfs.nameservices=a,b", "dfs.ha.namenodes.a=x,y",
			"dfs.namenode.rpc-address.a.x=nowhere:1", "dfs.namenode.rpc-address.a.y=bad_host:1", "dfs.namenode.rpc-address.b=nn2.example.com:5"}, "", "b", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := *n
			if tt.local != "" {
				net.local = map[string]bool{tt.local: true}
			}
			ns, nn, err := LocalNameNode(newConf(t, tt.entries...), &net)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || hadoopMessage(err) != "Configuration has multiple addresses that match local node's address. Please configure the system with dfs.nameservice.id and dfs.ha.namenode.id" {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil || ns != tt.wantNS || nn != tt.wantNN {
				t.Errorf("got (%q, %q, %v), want (%q, %q)", ns, nn, err, tt.wantNS, tt.wantNN)
			}
		})
	}
}

func TestForNameNodeCopiesSpecificKeys(t *testing.T) {
	c := newConf(t, append([]string{
		"dfs.namenode.name.dir.ns1.nn1=/nn1/name",
		"dfs.namenode.http-address.ns1=0.0.0.0:50070",
		"dfs.ha.automatic-failover.enabled.ns1=true",
		"dfs.ha.automatic-failover.enabled.ns1.nn1=false",
		"dfs.ha.zkfc.port.ns1.nn1=37321",
	}, twoNameservices...)...)
	v := c.ForNameNode("ns1", "nn1")
	for key, want := range map[string]string{
		"dfs.nameservice.id":                "ns1",
		"dfs.ha.namenode.id":                "nn1",
		"dfs.namenode.rpc-address":          "nn1.example.com:8020",
		"dfs.namenode.name.dir":             "/nn1/name",
		"dfs.namenode.http-address":         "0.0.0.0:50070",
		"dfs.ha.automatic-failover.enabled": "true", // per nameservice only
		"dfs.ha.zkfc.port":                  "37321",
		"fs.defaultFS":                      "hdfs://nn1.example.com:8020",
	} {
		if got := get(t, v, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if _, ok := c.Get("dfs.namenode.rpc-address"); ok {
		t.Error("ForNameNode changed the original")
	}
}
