// Command rotation is the Secrets Manager rotation function of the
// baseline, run by AWS Lambda on provided.al2023 (arm64). Build it into the
// zip the program deploys with `go run ./cmd/buildlambda`.
package main

import (
	"context"
	"log"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/example/hardening/secrets/rotation"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("rotation: load AWS configuration: %v", err)
	}
	r := &rotation.Rotator{
		API:   sm.NewFromConfig(cfg),
		Hooks: rotation.DefaultHooks(),
		Log:   slog.New(slog.NewJSONHandler(os.Stdout, nil)),
	}
	lambda.Start(r.Handle)
}
