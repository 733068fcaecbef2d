package hallq

import "regexp"

// The roles of logged-in users. A manager can do everything staff can.
const (
	RoleStaff   = "staff"
	RoleManager = "manager"
)

// User is a staff account.
type User struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`

	// MustChangePassword is set while the account's password was generated
	// at first start or set by a manager: the user must choose their own
	// before doing anything else.
	MustChangePassword bool `json:"must_change_password"`
}

// PasswordChange is a user's change of their own password.
type PasswordChange struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// NewUser is a manager's description of an account to create.
type NewUser struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Role     string `json:"role"`
}

// UserUpdate changes the fields of an account that are present.
type UserUpdate struct {
	Password *string `json:"password"`
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9._-]{1,32}$`)

// ValidateUsername checks a username: 1–32 of a-z 0-9 . _ -.
func ValidateUsername(name string) error {
	if !usernamePattern.MatchString(name) {
		return Errorf(EINVALID, "A username is 1 to 32 of a-z, 0-9, '.', '_' and '-'.")
	}
	return nil
}

// ValidatePassword checks a new password: at least 8 characters, at most 72
// bytes (what a bcrypt hash covers).
func ValidatePassword(p string) error {
	if len([]rune(p)) < 8 {
		return Errorf(EINVALID, "A password has at least 8 characters.")
	}
	if len(p) > 72 {
		return Errorf(EINVALID, "A password has at most 72 bytes.")
	}
	return nil
}

// ValidateRole checks a role name.
func ValidateRole(role string) error {
	if role != RoleStaff && role != RoleManager {
		return Errorf(EINVALID, "A role is staff or manager; %q is not.", role)
	}
	return nil
}
