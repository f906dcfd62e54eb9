// Package daemonhttp is what every hdfsd daemon's HTTP server shares with
// Hadoop's HttpServer2: /jmx in JMXJsonServlet's shape ({"beans":[...]},
// ?qry= to pick beans by ObjectName pattern), /conf, /stacks and
// /debug/pprof.
package daemonhttp

import (
	"encoding/json"
	"net/http"
	"net/http/pprof"
	"runtime"
	"sort"
	"strings"

	"github.com/hdfsd/hdfsd/conf"
)

// Bean is one JMX bean: its ObjectName and modelerType first, then the
// attributes in order (JSON has them in that order, as Hadoop prints).
type Bean struct {
	Name, Modeler string
	Attrs         [][2]any
}

// MarshalJSON keeps the attribute order.
func (b Bean) MarshalJSON() ([]byte, error) {
	var sb strings.Builder
	sb.WriteString(`{"name":`)
	writeJSON(&sb, b.Name)
	sb.WriteString(`,"modelerType":`)
	writeJSON(&sb, b.Modeler)
	for _, a := range b.Attrs {
		sb.WriteByte(',')
		writeJSON(&sb, a[0])
		sb.WriteByte(':')
		writeJSON(&sb, a[1])
	}
	sb.WriteByte('}')
	return []byte(sb.String()), nil
}

func writeJSON(sb *strings.Builder, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("null")
	}
	sb.Write(b)
}

// Register adds /jmx (with the beans beans returns at each request),
// /conf (c as XML), /stacks and /debug/pprof to mux.
func Register(mux *http.ServeMux, beans func() []Bean, c *conf.Conf) {
	mux.HandleFunc("/jmx", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("qry")
		out := []Bean{}
		for _, b := range beans() {
			if q == "" || q == "*:*" || MatchBean(q, b.Name) {
				out = append(out, b)
			}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf8")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"beans": out})
	})
	mux.HandleFunc("/conf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = w.Write(ConfXML(c))
	})
	mux.HandleFunc("/stacks", func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(buf[:n])
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}

// MatchBean matches a JMX ObjectName pattern of ?qry=
// ("Hadoop:service=NameNode,name=*": '*' matches any run).
func MatchBean(pattern, name string) bool {
	pk := splitBean(pattern)
	nk := splitBean(name)
	if pk == nil || nk == nil {
		return false
	}
	for k, v := range pk {
		got, ok := nk[k]
		if !ok || !globMatch(v, got) {
			return false
		}
	}
	return true
}

func splitBean(s string) map[string]string {
	domain, props, ok := strings.Cut(s, ":")
	if !ok {
		return nil
	}
	m := map[string]string{"": domain}
	for _, kv := range strings.Split(props, ",") {
		if kv == "*" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func globMatch(p, s string) bool {
	star := strings.IndexByte(p, '*')
	if star < 0 {
		return p == s
	}
	if !strings.HasPrefix(s, p[:star]) {
		return false
	}
	rest := p[star+1:]
	for i := star; i <= len(s); i++ {
		if globMatch(rest, s[i:]) {
			return true
		}
	}
	return false
}

// ConfXML is /conf: every key with its value, sorted.
func ConfXML(c *conf.Conf) []byte {
	keys := c.Keys()
	sort.Strings(keys)
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="no"?><configuration>`)
	for _, k := range keys {
		v, _ := c.Get(k)
		sb.WriteString("<property><name>")
		xmlEscaper.WriteString(&sb, k)
		sb.WriteString("</name><value>")
		xmlEscaper.WriteString(&sb, v)
		sb.WriteString("</value></property>")
	}
	sb.WriteString("</configuration>")
	return []byte(sb.String())
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
