// Package awsname holds the constraints AWS puts on names and descriptions
// that the provider passes through unchecked, so that the program refuses
// them before registering anything and the compliance rules refuse them in
// a plan: a preview passes, and `pulumi up` fails half-way.
package awsname

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ec2DescriptionRE is the character set EC2 accepts in a security group's
// or a security group rule's description, at most 255 characters (EC2 API
// reference, CreateSecurityGroup GroupDescription and IpRange/
// SecurityGroupRule Description: "a-z, A-Z, 0-9, spaces, and
// ._-:/()#,@[]+=&;{}!$*"). The EC2 API model carries no pattern for it.
var ec2DescriptionRE = regexp.MustCompile(`^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*$`)

// EC2DescriptionMaxLen is the longest description EC2 accepts.
const EC2DescriptionMaxLen = 255

// EC2Description refuses a description EC2 would refuse with
// InvalidParameterValue.
func EC2Description(s string) error {
	if len(s) > EC2DescriptionMaxLen {
		return fmt.Errorf("description %q is %d characters; EC2 accepts at most %d", s, len(s), EC2DescriptionMaxLen)
	}
	if !ec2DescriptionRE.MatchString(s) {
		for _, r := range s {
			if !ec2DescriptionRE.MatchString(string(r)) {
				return fmt.Errorf("description %q has %q; EC2 accepts only a-z A-Z 0-9, space and ._-:/()#,@[]+=&;{}!$*", s, r)
			}
		}
	}
	return nil
}

// AutoNameSuffix is what pulumi-aws appends to a logical name for the
// physical name of a resource without an explicit one: "-" and 7 random
// hex characters.
const AutoNameSuffix = 8

// Quotas on names that the provider does not check against the whole
// generated name.
const (
	// IAMRoleNameMax is IAM's limit on a role name (IAM API reference,
	// CreateRole RoleName: 1 to 64 of [\w+=,.@-]).
	IAMRoleNameMax = 64
	// S3BucketPrefixMax is the longest bucket_prefix the provider takes: a
	// bucket name is at most 63 characters and the generated suffix 26.
	S3BucketPrefixMax = 37
)

// AutoNamedRole refuses a role whose logical name leaves no room for the
// generated suffix within IAM's 64 characters.
func AutoNamedRole(logical string) error {
	if n := len(logical) + AutoNameSuffix; n > IAMRoleNameMax {
		return fmt.Errorf("role name %q and its generated suffix are %d characters; IAM allows %d", logical+"-xxxxxxx", n, IAMRoleNameMax)
	}
	return nil
}

// S3BucketARN checks the ARN of an S3 general purpose bucket, with no key
// or prefix after the name: arn:<partition>:s3:::<bucket>. A bucket name is
// 3 to 63 lowercase letters, digits, dots and hyphens, begins and ends
// with a letter or digit, has no two adjacent dots and is not shaped like
// an IP address (S3 user guide, "General purpose bucket naming rules").
func S3BucketARN(arn string) error {
	partition, bucket, ok := strings.Cut(strings.TrimPrefix(arn, "arn:"), ":s3:::")
	if !ok || !strings.HasPrefix(arn, "arn:") || !slices.Contains(Partitions, partition) {
		return fmt.Errorf("%q is not an S3 bucket ARN (arn:aws:s3:::<bucket>)", arn)
	}
	switch {
	case strings.Contains(bucket, "/"):
		return fmt.Errorf("%q names a key or prefix; give the bucket's ARN alone", arn)
	case len(bucket) < 3 || len(bucket) > 63 || !s3BucketName.MatchString(bucket) || strings.Contains(bucket, ".."):
		return fmt.Errorf("%q: bucket name %q is not one S3 accepts (3 to 63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit)", arn, bucket)
	case ipShaped.MatchString(bucket):
		return fmt.Errorf("%q: bucket name %q is shaped like an IP address, which S3 refuses", arn, bucket)
	}
	return nil
}

// Partitions are the AWS partitions a stack can deploy to.
var Partitions = []string{"aws", "aws-cn", "aws-us-gov"}

var (
	s3BucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	ipShaped     = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
)
