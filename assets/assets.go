// Package assets holds the pages, scripts, styles and sounds the hub serves,
// embedded in the binary so that a hall needs nothing but the one file.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var files embed.FS

// FS is the embedded files, rooted at the static directory.
var FS = mustSub(files, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}

// etags maps each file to a tag made from its content, so that browsers keep
// a copy and ask only whether it changed: a hall's devices load pages fast
// and still see a new version right after an upgrade.
var etags = func() map[string]string {
	tags := map[string]string{}
	fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		tags[p] = `"` + hex.EncodeToString(sum[:8]) + `"`
		return nil
	})
	return tags
}()

// Handler serves the embedded files, with ETags from their content.
func Handler() http.Handler {
	files := http.FileServerFS(FS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if tag, ok := etags[p]; ok {
			w.Header().Set("ETag", tag)
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}

// Has reports whether name (such as "kiosk.js" or "voice/chime.ogg") is an
// embedded file: not a directory, nothing else.
func Has(name string) bool {
	_, ok := etags[name]
	return ok
}

// Page serves one embedded page, such as "index.html".
func Page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if tag, ok := etags[name]; ok {
			w.Header().Set("ETag", tag)
			w.Header().Set("Cache-Control", "no-cache")
		}
		http.ServeFileFS(w, r, FS, name)
	}
}
