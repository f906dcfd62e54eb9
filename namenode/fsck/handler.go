package fsck

import (
	"net"
	"net/http"
	"time"
)

// HandlerOption configures Handler.
type HandlerOption func(*handler)

// WithClock sets the clock of the report's dates and duration (time.Now
// by default); the times it returns carry the zone dates are printed in.
func WithClock(now func() time.Time) HandlerOption {
	return func(h *handler) { h.now = now }
}

// WithLogger sets where each run is reported when it ends (Hadoop's
// audit line "fsck"); nil logs nothing.
func WithLogger(log func(user, remote, path string, ok bool)) HandlerOption {
	return func(h *handler) { h.log = log }
}

type handler struct {
	src Source
	now func() time.Time
	log func(user, remote, path string, ok bool)
}

// Handler serves /fsck as Hadoop's FsckServlet: the query holds the
// options (see ParseQuery), the answer is the report as text/plain,
// flushed as it goes. The user is the query's user.name (what Hadoop's
// simple-auth filter reads), else its ugi, else dr.who.
func Handler(src Source, opts ...HandlerOption) http.Handler {
	h := &handler{src: src, now: time.Now}
	for _, o := range opts {
		o(h)
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		http.Error(w, "HTTP method "+req.Method+" is not supported by this URL", http.StatusMethodNotAllowed)
		return
	}
	q := req.URL.Query()
	o := ParseQuery(q)
	user := q.Get("user.name")
	if user == "" {
		user = q.Get("ugi")
	}
	if user == "" {
		user = "dr.who"
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	flush := func() {}
	if f, ok := w.(http.Flusher); ok {
		flush = f.Flush
	}
	remote := remoteAddress(req.RemoteAddr)
	err := Run(w, h.src, o, Request{User: user, Remote: remote, Now: h.now, Flush: flush})
	if h.log != nil {
		h.log(user, remote, o.Path, err == nil)
	}
}

// remoteAddress is the peer's IP as Java prints an InetAddress.
func remoteAddress(hostPort string) string {
	host, _, err := net.SplitHostPort(hostPort)
	if err != nil {
		host = hostPort
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return "/" + host
	}
	return JavaAddress(ip)
}
