package journalnode

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hdfsd/hdfsd/internal/daemonhttp"
	"github.com/hdfsd/hdfsd/journalnode/core"
)

// getJournal serves a segment file (GetJournalEditServlet): jid,
// segmentTxId, storageInfo (lv:nsid:ctime:cid, checked against this
// journal) and inProgressOk (default true).
func (n *node) getJournal(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	jid := q.Get("jid")
	inProgressOk := !strings.EqualFold(q.Get("inProgressOk"), "false")
	j, err := n.journal(jid, "")
	if err != nil {
		httpError(w, http.StatusInternalServerError, "getedit failed. "+errText(err))
		return
	}
	var si core.StorageInfo
	j.read(func(c *core.Journal) error { si = c.Storage(); return nil })
	if theirs, ok := q["storageInfo"]; ok {
		parts := strings.Split(theirs[0], ":")
		nsid, cid := "", ""
		if len(parts) >= 4 {
			nsid, cid = parts[1], parts[3]
		}
		if nsid != strconv.Itoa(int(si.NamespaceID)) || cid != si.ClusterID {
			httpError(w, http.StatusForbidden, fmt.Sprintf("This node has namespaceId '%d and clusterId '%s' but the requesting node expected '%s' and '%s'",
				si.NamespaceID, si.ClusterID, nsid, cid))
			return
		}
	}
	txid, err := strconv.ParseInt(q.Get("segmentTxId"), 10, 64)
	if err != nil {
		httpError(w, http.StatusInternalServerError, "getedit failed. java.io.IOException: Invalid request has no segmentTxId parameter")
		return
	}
	j.mu.Lock()
	path := j.mu.dir.SegmentPath(txid, inProgressOk)
	var f io.ReadCloser
	var size int64
	if path != "" {
		if st, err := n.fs.Stat(path); err == nil {
			size = st.Size()
			f, err = n.fs.Open(path)
			if err != nil {
				path = ""
			}
		} else {
			path = ""
		}
	}
	j.mu.Unlock()
	if path == "" {
		httpError(w, http.StatusNotFound, fmt.Sprintf("No edit log found starting at txid %d", txid))
		return
	}
	defer f.Close()
	name := filepath.Base(path)
	now := time.Now().UTC().Format(http.TimeFormat)
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Expires", now)
	h.Set("Pragma", "no-cache")
	h.Set("Content-Type", "text/plain;charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-XSS-Protection", "1; mode=block")
	h.Set("Content-Disposition", "attachment; filename="+name)
	h.Set("X-Image-Edits-Name", name)
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	io.CopyN(w, f, size)
}

func errText(err error) string {
	if ce, ok := err.(*core.Error); ok {
		return ce.Msg
	}
	return err.Error()
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Cache-Control", "must-revalidate,no-cache,no-store")
	w.Header().Set("Content-Type", "text/html;charset=iso-8859-1")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n<title>Error %d %s</title>\n</head>\n<body><h2>HTTP ERROR %d %s</h2>\n</body>\n</html>\n",
		code, msg, code, msg)
}

func (d *Daemon) beans() []daemonhttp.Bean {
	var out []daemonhttp.Bean
	for _, j := range d.node.list() {
		b := daemonhttp.Bean{Name: "Hadoop:service=JournalNode,name=Journal-" + j.id, Modeler: "Journal-" + j.id}
		j.read(func(c *core.Journal) error {
			p, _ := c.LastPromised()
			w, _ := c.LastWriter()
			b.Attrs = [][2]any{{"LastWrittenTxId", c.HighestWritten()}, {"LastPromisedEpoch", p},
				{"LastWriterEpoch", w}, {"CommittedTxId", c.Committed()}}
			return nil
		})
		out = append(out, b)
	}
	return append(out, daemonhttp.Bean{Name: "Hadoop:service=JournalNode,name=JournalNodeInfo",
		Modeler: "org.apache.hadoop.hdfs.qjournal.server.JournalNode",
		Attrs:   [][2]any{{"JournalsStatus", d.journalsStatus()}, {"RpcPort", d.rpcPort()}, {"HttpPort", d.httpPort()}}})
}

func (d *Daemon) journalsStatus() string {
	var parts []string
	for _, j := range d.node.list() {
		var formatted bool
		j.read(func(c *core.Journal) error { formatted = c.Formatted(); return nil })
		parts = append(parts, fmt.Sprintf("%q:{\"Formatted\":\"%t\"}", j.id, formatted))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func (d *Daemon) httpHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/getJournal", d.node.getJournal)
	daemonhttp.Register(mux, d.beans, d.conf)
	return mux
}
