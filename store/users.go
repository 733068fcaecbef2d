package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"hallq"
)

var (
	_ hallq.UserService    = (*Store)(nil)
	_ hallq.SessionService = (*Store)(nil)
)

// SessionLifetime is how long a login lasts: a long shift.
const SessionLifetime = 14 * time.Hour

// AdminUsername is the manager account made on first start.
const AdminUsername = "admin"

// errBadLogin does not say whether the username or the password was wrong.
var errBadLogin = hallq.Errorf(hallq.EUNAUTHORIZED, "The username or password is wrong.")

// dummyHash is compared against when a username does not exist, so a wrong
// username takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcrypt.DefaultCost)

func (s *Store) hashPassword(p string) ([]byte, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(p), s.bcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hashing a password: %w", err)
	}
	return h, nil
}

func getUser(tx *bbolt.Tx, username string) (*userRecord, error) {
	v := tx.Bucket(bucketUsers).Get([]byte(username))
	if v == nil {
		return nil, nil
	}
	var r userRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, fmt.Errorf("reading user %s: %w", username, err)
	}
	return &r, nil
}

// EnsureAdmin makes the manager account "admin" if the hall has no account
// yet. Its password is password, or, when that is empty, a new random one,
// which EnsureAdmin returns so it can be shown once.
func (s *Store) EnsureAdmin(ctx context.Context, password string) (generated string, err error) {
	users, err := s.FindUsers(ctx)
	if err != nil || len(users) > 0 {
		return "", err
	}
	if password == "" {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("making a password: %w", err)
		}
		password = base64.RawURLEncoding.EncodeToString(b)
		generated = password
	}
	if err := hallq.ValidatePassword(password); err != nil {
		return "", fmt.Errorf("the admin password: %s", hallq.ErrorMessage(err))
	}
	if _, err := s.createUser(ctx, hallq.NewUser{Username: AdminUsername, Password: password, Role: hallq.RoleManager}, generated != ""); err != nil {
		return "", err
	}
	return generated, nil
}

// Authenticate returns the user whose password this is.
func (s *Store) Authenticate(ctx context.Context, username, password string) (*hallq.User, error) {
	var r *userRecord
	err := s.db.View(func(tx *bbolt.Tx) (err error) {
		r, err = getUser(tx, username)
		return err
	})
	if err != nil {
		return nil, err
	}
	hash := dummyHash
	if r != nil {
		hash = r.Hash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || r == nil || r.Disabled {
		return nil, errBadLogin
	}
	return r.user(username), nil
}

// FindUsers returns every account, by username.
func (s *Store) FindUsers(ctx context.Context) ([]*hallq.User, error) {
	out := []*hallq.User{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			var r userRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("reading user %s: %w", k, err)
			}
			out = append(out, r.user(string(k)))
			return nil
		})
	})
	return out, err
}

// FindUser returns the account username.
func (s *Store) FindUser(ctx context.Context, username string) (*hallq.User, error) {
	var u *hallq.User
	err := s.db.View(func(tx *bbolt.Tx) error {
		r, err := getUser(tx, username)
		if err == nil && r == nil {
			err = hallq.Errorf(hallq.ENOTFOUND, "User %q does not exist.", username)
		}
		if err == nil {
			u = r.user(username)
		}
		return err
	})
	return u, err
}

// CreateUser adds an account. Its password was set by a manager, so its
// user must change it at the first login.
func (s *Store) CreateUser(ctx context.Context, by hallq.Actor, n hallq.NewUser) (*hallq.User, error) {
	return s.createUser(ctx, n, true)
}

// createUser adds an account; with mustChange its user must choose a new
// password before anything else.
func (s *Store) createUser(ctx context.Context, n hallq.NewUser, mustChange bool) (*hallq.User, error) {
	if err := hallq.ValidateUsername(n.Username); err != nil {
		return nil, err
	}
	if err := hallq.ValidateRole(n.Role); err != nil {
		return nil, err
	}
	if err := hallq.ValidatePassword(n.Password); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	_, err = s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		if existing, err := getUser(tx, n.Username); err != nil || existing != nil {
			if err == nil {
				err = hallq.Errorf(hallq.ECONFLICT, "User %s already exists.", n.Username)
			}
			return nil, err
		}
		r := userRecord{Hash: hash, Role: n.Role, Created: now.UnixNano(), MustChange: mustChange}
		return nil, tx.Bucket(bucketUsers).Put([]byte(n.Username), marshal(r))
	})
	if err != nil {
		return nil, err
	}
	return &hallq.User{Username: n.Username, Role: n.Role, MustChangePassword: mustChange}, nil
}

// ChangePassword sets a user's own password after checking the current one.
// It ends the user's other sessions and clears MustChangePassword.
func (s *Store) ChangePassword(ctx context.Context, username string, c hallq.PasswordChange, keep string) error {
	if err := hallq.ValidatePassword(c.New); err != nil {
		return hallq.WithField(err, "new")
	}
	if c.New == c.Current {
		return hallq.WithField(hallq.Errorf(hallq.EINVALID, "Choose a new password, not the one you have now."), "new")
	}
	if _, err := s.Authenticate(ctx, username, c.Current); err != nil {
		return hallq.WithField(hallq.Errorf(hallq.EINVALID, "The current password is wrong."), "current")
	}
	hash, err := s.hashPassword(c.New)
	if err != nil {
		return err
	}
	_, err = s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		r, err := getUser(tx, username)
		if err != nil || r == nil {
			if err == nil {
				err = errNoSession
			}
			return nil, err
		}
		r.Hash, r.MustChange = hash, false
		if err := deleteSessionsOf(tx, username, keep); err != nil {
			return nil, err
		}
		return nil, tx.Bucket(bucketUsers).Put([]byte(username), marshal(*r))
	})
	return err
}

// UpdateUser changes an account. Disabling it or changing its role or
// password ends its sessions. The last manager cannot be demoted or disabled.
func (s *Store) UpdateUser(ctx context.Context, by hallq.Actor, username string, u hallq.UserUpdate) (*hallq.User, error) {
	var hash []byte
	if u.Password != nil {
		if err := hallq.ValidatePassword(*u.Password); err != nil {
			return nil, err
		}
		var err error
		if hash, err = s.hashPassword(*u.Password); err != nil {
			return nil, err
		}
	}
	if u.Role != nil {
		if err := hallq.ValidateRole(*u.Role); err != nil {
			return nil, err
		}
	}
	res, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		r, err := getUser(tx, username)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, hallq.Errorf(hallq.ENOTFOUND, "User %q does not exist.", username)
		}
		next := *r
		if hash != nil {
			// A password a manager sets for someone else is theirs to
			// replace at the next login.
			next.Hash, next.MustChange = hash, by.Name != username
		}
		if u.Role != nil {
			next.Role = *u.Role
		}
		if u.Disabled != nil {
			next.Disabled = *u.Disabled
		}
		if r.Role == hallq.RoleManager && !r.Disabled && (next.Role != hallq.RoleManager || next.Disabled) {
			if err := checkOtherManager(tx, username); err != nil {
				return nil, err
			}
		}
		if hash != nil || next.Role != r.Role || next.Disabled {
			if err := deleteSessionsOf(tx, username, ""); err != nil {
				return nil, err
			}
		}
		if err := tx.Bucket(bucketUsers).Put([]byte(username), marshal(next)); err != nil {
			return nil, err
		}
		return next.user(username), nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*hallq.User), nil
}

// DeleteUser removes an account and its sessions; not the last manager.
func (s *Store) DeleteUser(ctx context.Context, by hallq.Actor, username string) error {
	_, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		r, err := getUser(tx, username)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, hallq.Errorf(hallq.ENOTFOUND, "User %q does not exist.", username)
		}
		if r.Role == hallq.RoleManager && !r.Disabled {
			if err := checkOtherManager(tx, username); err != nil {
				return nil, err
			}
		}
		if err := deleteSessionsOf(tx, username, ""); err != nil {
			return nil, err
		}
		return nil, tx.Bucket(bucketUsers).Delete([]byte(username))
	})
	return err
}

// checkOtherManager refuses a change that would leave no enabled manager.
func checkOtherManager(tx *bbolt.Tx, except string) error {
	found := false
	err := tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var r userRecord
		if json.Unmarshal(v, &r) == nil && string(k) != except && r.Role == hallq.RoleManager && !r.Disabled {
			found = true
		}
		return nil
	})
	if err == nil && !found {
		err = hallq.Errorf(hallq.ECONFLICT, "%s is the last manager; make another manager first.", except)
	}
	return err
}

func sessionKey(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession starts a session for u and returns its token.
func (s *Store) CreateSession(ctx context.Context, u *hallq.User) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("making a session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	_, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		r := sessionRecord{Username: u.Username, Expires: now.Add(SessionLifetime).UnixNano()}
		return nil, tx.Bucket(bucketSessions).Put(sessionKey(token), marshal(r))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindSession returns the user of a live session.
func (s *Store) FindSession(ctx context.Context, token string) (*hallq.User, error) {
	var u *hallq.User
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get(sessionKey(token))
		if v == nil {
			return errNoSession
		}
		var r sessionRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("reading a session: %w", err)
		}
		if r.Expires < s.now().UnixNano() {
			return errNoSession
		}
		ur, err := getUser(tx, r.Username)
		if err != nil {
			return err
		}
		if ur == nil || ur.Disabled {
			return errNoSession
		}
		u = ur.user(r.Username)
		return nil
	})
	return u, err
}

var errNoSession = hallq.Errorf(hallq.EUNAUTHORIZED, "Your login has ended. Please log in again.")

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	_, err := s.writeData(ctx, func(tx *bbolt.Tx, now time.Time) (any, error) {
		return nil, tx.Bucket(bucketSessions).Delete(sessionKey(token))
	})
	return err
}

// deleteSessionsOf ends the sessions of username, but the one whose token
// is keep.
func deleteSessionsOf(tx *bbolt.Tx, username, keep string) error {
	var kept []byte
	if keep != "" {
		kept = sessionKey(keep)
	}
	var keys [][]byte
	err := tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
		var r sessionRecord
		if json.Unmarshal(v, &r) == nil && r.Username == username && !bytes.Equal(k, kept) {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range keys {
		if err == nil {
			err = tx.Bucket(bucketSessions).Delete(k)
		}
	}
	return err
}
