package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover answers a request whose handler panicked with a 500 internal
// error in the API's shape, and logs the panic with its stack. The hub keeps
// serving everyone else.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			slog.Error("web: a handler panicked", "method", r.Method, "route", routePattern(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			Error(w, r, fmt.Errorf("handler panicked"))
		}()
		next.ServeHTTP(w, r)
	})
}
