package manager_test

import (
	"bytes"
	"net/http"
	"testing"

	"hallq"
	"hallq/internal/hubtest"
)

func TestHandler_Users(t *testing.T) {
	h, admin := newHub(t)
	login := func(username, password string) *hubtest.Response {
		return h.Do(t, "POST", "/api/v1/login", map[string]string{"username": username, "password": password})
	}
	t.Run("Create", func(t *testing.T) {
		var got hallq.User
		h.Do(t, "POST", "/api/v1/users", `{"username": "clerk02", "password": "clerk02-secret", "role": "staff"}`, admin).
			Want(t, http.StatusCreated).Decode(t, &got)
		if got != (hallq.User{Username: "clerk02", Role: hallq.RoleStaff, MustChangePassword: true}) {
			t.Fatalf("created %+v, want a password to change at the first login", got)
		}
		login("clerk02", "clerk02-secret").Want(t, http.StatusOK)
	})
	t.Run("List", func(t *testing.T) {
		res := h.Do(t, "GET", "/api/v1/users", nil, admin).Want(t, http.StatusOK)
		for _, secret := range []string{"$2a$", "hash", "clerk02-secret"} {
			if bytes.Contains(res.Body, []byte(secret)) {
				t.Fatalf("user list carries %q: %s", secret, res.Body)
			}
		}
		var got []hallq.User
		res.Decode(t, &got)
		want := []hallq.User{{Username: "admin", Role: hallq.RoleManager}, {Username: "clerk02", Role: hallq.RoleStaff, MustChangePassword: true}}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("users %+v, want %+v", got, want)
		}
	})
	t.Run("Duplicate", func(t *testing.T) {
		h.Do(t, "POST", "/api/v1/users", `{"username": "clerk02", "password": "another-secret", "role": "manager"}`, admin).
			WantError(t, http.StatusConflict, "conflict")
	})
	t.Run("CreateInvalid", func(t *testing.T) {
		bodies := map[string]string{
			"Username":     `{"username": "Clerk 3", "password": "clerk03-secret", "role": "staff"}`,
			"LongUsername": `{"username": "abcdefghijklmnopqrstuvwxyz0123456", "password": "clerk03-secret", "role": "staff"}`,
			"Password":     `{"username": "clerk03", "password": "short", "role": "staff"}`,
			"Role":         `{"username": "clerk03", "password": "clerk03-secret", "role": "boss"}`,
			"RoleType":     `{"username": "clerk03", "password": "clerk03-secret", "role": 1}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "POST", "/api/v1/users", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("LastManager", func(t *testing.T) {
		h.Do(t, "PUT", "/api/v1/users/admin", `{"role": "staff"}`, admin).WantError(t, http.StatusConflict, "conflict")
		h.Do(t, "PUT", "/api/v1/users/admin", `{"disabled": true}`, admin).WantError(t, http.StatusConflict, "conflict")
		h.Do(t, "DELETE", "/api/v1/users/admin", nil, admin).WantError(t, http.StatusConflict, "conflict")
		h.Do(t, "GET", "/api/v1/users", nil, admin).Want(t, http.StatusOK) // still a manager, still logged in
	})
	t.Run("Update", func(t *testing.T) {
		var got hallq.User
		h.Do(t, "PUT", "/api/v1/users/clerk02", `{"password": "clerk02-new-secret"}`, admin).Want(t, http.StatusOK).Decode(t, &got)
		if got != (hallq.User{Username: "clerk02", Role: hallq.RoleStaff, MustChangePassword: true}) {
			t.Fatalf("updated %+v, want a password to change at the next login", got)
		}
		login("clerk02", "clerk02-secret").WantError(t, http.StatusUnauthorized, "unauthorized")
		login("clerk02", "clerk02-new-secret").Want(t, http.StatusOK)

		h.Do(t, "PUT", "/api/v1/users/clerk02", `{"role": "manager"}`, admin).Want(t, http.StatusOK).Decode(t, &got)
		if got.Role != hallq.RoleManager || got.Disabled {
			t.Fatalf("updated %+v", got)
		}
		// With a second manager, admin may step down.
		clerk := hubtest.Bearer(h.Login(t, "clerk02", "clerk02-new-secret"))
		h.Do(t, "PUT", "/api/v1/users/admin", `{"role": "staff"}`, clerk).WantError(t, http.StatusForbidden, "password_change_required")
		h.Do(t, "POST", "/api/v1/password", `{"current": "clerk02-new-secret", "new": "clerk02-own-secret"}`, clerk).Want(t, http.StatusNoContent)
		h.Do(t, "PUT", "/api/v1/users/admin", `{"role": "staff"}`, clerk).Want(t, http.StatusOK)
		h.Do(t, "GET", "/api/v1/users", nil, admin).WantError(t, http.StatusUnauthorized, "unauthorized")
		h.Do(t, "PUT", "/api/v1/users/admin", `{"role": "manager"}`, clerk).Want(t, http.StatusOK)
	})
	t.Run("UpdateInvalid", func(t *testing.T) {
		bodies := map[string]string{
			"Password": `{"password": "short"}`,
			"Role":     `{"role": "boss"}`,
			"Disabled": `{"disabled": "yes"}`,
			"Username": `{"username": "other"}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "PUT", "/api/v1/users/clerk02", body, hubtest.Bearer(h.Manager(t))).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("Disable", func(t *testing.T) {
		admin := hubtest.Bearer(h.Manager(t))
		staff := hubtest.Bearer(h.Staff(t, "clerk04"))
		var got hallq.User
		h.Do(t, "PUT", "/api/v1/users/clerk04", `{"disabled": true}`, admin).Want(t, http.StatusOK).Decode(t, &got)
		if !got.Disabled || got.Role != hallq.RoleStaff {
			t.Fatalf("updated %+v", got)
		}
		login("clerk04", "clerk04-password").WantError(t, http.StatusUnauthorized, "unauthorized")
		// The session it had is over too.
		h.Do(t, "GET", "/api/v1/users", nil, staff).WantError(t, http.StatusUnauthorized, "unauthorized")
		h.Do(t, "PUT", "/api/v1/users/clerk04", `{"disabled": false}`, admin).Want(t, http.StatusOK)
		login("clerk04", "clerk04-password").Want(t, http.StatusOK)
	})
	t.Run("NotFound", func(t *testing.T) {
		admin := hubtest.Bearer(h.Manager(t))
		h.Do(t, "PUT", "/api/v1/users/nobody", `{"disabled": true}`, admin).WantError(t, http.StatusNotFound, "not_found")
		h.Do(t, "DELETE", "/api/v1/users/nobody", nil, admin).WantError(t, http.StatusNotFound, "not_found")
	})
	t.Run("Delete", func(t *testing.T) {
		admin := hubtest.Bearer(h.Manager(t))
		h.Do(t, "DELETE", "/api/v1/users/clerk02", nil, admin).Want(t, http.StatusNoContent)
		login("clerk02", "clerk02-own-secret").WantError(t, http.StatusUnauthorized, "unauthorized")
		h.Do(t, "DELETE", "/api/v1/users/clerk02", nil, admin).WantError(t, http.StatusNotFound, "not_found")
	})
}

// TestHandler_PasswordChange: a password a manager set must be changed
// before anything else; the change keeps the session it was made in and
// ends the user's others.
func TestHandler_PasswordChange(t *testing.T) {
	h, admin := newHub(t)
	h.Do(t, "POST", "/api/v1/users", `{"username": "boss2", "password": "given-by-admin", "role": "manager"}`, admin).
		Want(t, http.StatusCreated)
	var reply struct {
		Token string
		User  struct {
			MustChangePassword bool `json:"must_change_password"`
		}
	}
	h.Do(t, "POST", "/api/v1/login", map[string]string{"username": "boss2", "password": "given-by-admin"}).
		Want(t, http.StatusOK).Decode(t, &reply)
	if !reply.User.MustChangePassword {
		t.Fatal("the login reply does not say the password must be changed")
	}
	session, other := hubtest.Bearer(reply.Token), hubtest.Bearer(h.Login(t, "boss2", "given-by-admin"))
	h.Do(t, "GET", "/api/v1/users", nil, session).WantError(t, http.StatusForbidden, "password_change_required")
	h.Do(t, "GET", "/ws/manager", nil, session).WantError(t, http.StatusForbidden, "password_change_required")
	var who struct {
		User struct {
			Username           string
			MustChangePassword bool `json:"must_change_password"`
		}
	}
	h.Do(t, "GET", "/api/v1/session", nil, session).Want(t, http.StatusOK).Decode(t, &who)
	if who.User.Username != "boss2" || !who.User.MustChangePassword {
		t.Errorf("session %+v", who.User)
	}

	for _, tt := range []struct{ body, field string }{
		{`{"current": "wrong-password", "new": "boss2-own-secret"}`, "current"},
		{`{"current": "given-by-admin", "new": "short"}`, "new"},
		{`{"current": "given-by-admin", "new": "given-by-admin"}`, "new"},
	} {
		res := h.Do(t, "POST", "/api/v1/password", tt.body, session)
		res.WantError(t, http.StatusBadRequest, "invalid")
		var e struct{ Error struct{ Field string } }
		res.Decode(t, &e)
		if e.Error.Field != tt.field {
			t.Errorf("%s: field %q, want %q", tt.body, e.Error.Field, tt.field)
		}
	}
	// A new password that will not do is no guess at the current one: it
	// never locks the user out.
	for range 12 {
		h.Do(t, "POST", "/api/v1/password", `{"current": "given-by-admin", "new": "short"}`, session).WantError(t, http.StatusBadRequest, "invalid")
	}
	h.Do(t, "POST", "/api/v1/password", `{"current": "given-by-admin", "new": "boss2-own-secret"}`, session).Want(t, http.StatusNoContent)
	h.Do(t, "GET", "/api/v1/users", nil, session).Want(t, http.StatusOK)
	h.Do(t, "GET", "/api/v1/users", nil, other).WantError(t, http.StatusUnauthorized, "unauthorized")
	h.Do(t, "GET", "/api/v1/session", nil).WantError(t, http.StatusUnauthorized, "unauthorized")
	h.Do(t, "POST", "/api/v1/login", map[string]string{"username": "boss2", "password": "boss2-own-secret"}).Want(t, http.StatusOK)
}
