package stackconfig

import (
	"fmt"
	"net/mail"
	"net/url"
)

// Alerts configures who hears the stack's alarms (key "alerts"). Every
// alarm of every component goes to one KMS-encrypted SNS topic.
type Alerts struct {
	// Emails are subscribed to the alerts topic; each must confirm.
	Emails []string `json:"emails"`
	// HTTPSEndpoints (a chat or paging webhook) are subscribed too.
	HTTPSEndpoints []string `json:"httpsEndpoints"`
}

func (a Alerts) validate(key string) []error {
	var errs []error
	for i, e := range a.Emails {
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e {
			errs = append(errs, fieldErr(fmt.Sprintf("%s.emails[%d]", key, i), "%q is not a plain email address such as security@example.com", e))
		}
	}
	for i, e := range a.HTTPSEndpoints {
		if u, err := url.Parse(e); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, fieldErr(fmt.Sprintf("%s.httpsEndpoints[%d]", key, i), "%q is not an https:// URL; SNS would deliver alerts in plain text", e))
		}
	}
	return errs
}
