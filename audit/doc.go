// Package audit provides a stack's evidence and detection: the one alerts
// topic every alarm and event rule of every component notifies, and the
// one way to reach it (AlarmToAlerts, EventToAlerts); the multi-Region
// CloudTrail trail to a locked-down bucket and an encrypted log group; the
// bucket that receives the stack's S3 server access logs; the CIS metric
// filters and alarms; GuardDuty and Security Hub; certificate-expiry
// alarms.
package audit
