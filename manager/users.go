package manager

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// handleUserList returns every account, without password hashes.
func (h *Handler) handleUserList(w http.ResponseWriter, r *http.Request) {
	users, err := h.Users.FindUsers(r.Context())
	reply(w, r, http.StatusOK, users, err)
}

// handleUserCreate adds an account.
func (h *Handler) handleUserCreate(w http.ResponseWriter, r *http.Request) {
	var n hallq.NewUser
	if err := web.Decode(w, r, &n); err != nil {
		web.Error(w, r, err)
		return
	}
	u, err := h.Users.CreateUser(r.Context(), web.ActorFrom(r.Context()), n)
	reply(w, r, http.StatusCreated, u, err)
}

// handleUserUpdate changes an account's password, role or disabled flag;
// the last manager cannot be demoted or disabled.
func (h *Handler) handleUserUpdate(w http.ResponseWriter, r *http.Request) {
	var up hallq.UserUpdate
	if err := web.DecodeUpdate(w, r, &up, map[string]any{"username": chi.URLParam(r, "username")}, "must_change_password"); err != nil {
		web.Error(w, r, err)
		return
	}
	u, err := h.Users.UpdateUser(r.Context(), web.ActorFrom(r.Context()), chi.URLParam(r, "username"), up)
	reply(w, r, http.StatusOK, u, err)
}

// handleUserGet returns one account, without its password hash.
func (h *Handler) handleUserGet(w http.ResponseWriter, r *http.Request) {
	u, err := h.Users.FindUser(r.Context(), chi.URLParam(r, "username"))
	reply(w, r, http.StatusOK, u, err)
}

// handleUserDelete removes an account and its sessions; not the last manager.
func (h *Handler) handleUserDelete(w http.ResponseWriter, r *http.Request) {
	noContent(w, r, h.Users.DeleteUser(r.Context(), web.ActorFrom(r.Context()), chi.URLParam(r, "username")))
}
