package hallq

import (
	"regexp"
	"time"
)

// Tier is a class of customer. A ticket of a tier with rank > 0 is a VIP
// ticket; its head start moves it ahead in the call order, within the bound
// the hall publishes.
type Tier struct {
	ID          string `json:"id"`
	Name        Text   `json:"name"`
	Rank        int    `json:"rank"`          // 0 = regular; higher = more priority
	HeadStartS  int    `json:"head_start_s"`  // D: seconds of head start; 0 for rank 0
	TargetWaitS int    `json:"target_wait_s"` // the wait this tier is promised; 0: none
	StaffOnly   bool   `json:"staff_only"`    // issued only by staff, never by a card or the kiosk
}

// HeadStart returns the tier's head start as a duration.
func (t *Tier) HeadStart() time.Duration { return time.Duration(t.HeadStartS) * time.Second }

var tierIDPattern = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

func (t *Tier) validate() error {
	if !tierIDPattern.MatchString(t.ID) {
		return Errorf(EINVALID, "A tier id is 1 to 32 of a-z, 0-9, _ and -; %q is not.", t.ID)
	}
	if err := t.Name.validate("tier name", 64, true); err != nil {
		return err
	}
	if t.Rank < 0 || t.Rank > 100 {
		return Errorf(EINVALID, "A tier's rank is between 0 (regular) and 100.")
	}
	if t.HeadStartS < 0 || t.HeadStartS > 86400 {
		return Errorf(EINVALID, "A head start is between 0 and 86400 seconds.")
	}
	if t.Rank == 0 && t.HeadStartS != 0 {
		return Errorf(EINVALID, "A regular tier (rank 0) has no head start; give the tier a rank above 0 first.")
	}
	if t.TargetWaitS < 0 || t.TargetWaitS > 86400 {
		return Errorf(EINVALID, "A target wait is between 0 and 86400 seconds.")
	}
	return nil
}

// TierUpdate changes the fields of a tier that are present. A new head start
// applies to tickets issued afterwards.
type TierUpdate struct {
	Name        *Text `json:"name"`
	Rank        *int  `json:"rank"`
	HeadStartS  *int  `json:"head_start_s"`
	TargetWaitS *int  `json:"target_wait_s"`
	StaffOnly   *bool `json:"staff_only"`
}

func (u *TierUpdate) apply(t *Tier) {
	if u.Name != nil {
		t.Name = *u.Name
	}
	if u.Rank != nil {
		t.Rank = *u.Rank
	}
	if u.HeadStartS != nil {
		t.HeadStartS = *u.HeadStartS
	}
	if u.TargetWaitS != nil {
		t.TargetWaitS = *u.TargetWaitS
	}
	if u.StaffOnly != nil {
		t.StaffOnly = *u.StaffOnly
	}
}
