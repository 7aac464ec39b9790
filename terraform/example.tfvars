# Example inputs of the ev-pipeline stack. Replace the IDs with your own VPC
# and private ("protected") subnets; app_version is the image tag you pushed
# to both ECR repositories.
region               = "ap-northeast-1"
project              = "smn-app-mesh-ecs"
internal_domain      = "smn-app-mesh-ecs.internal"
vpc_id               = "vpc-0123456789abcdef0"
protected_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
app_version          = "1.0.0"
# The deploy role (npm run deploy in .github/workflows/application.yml) trusts this provider and repository.
github_oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
github_repository        = "example-org/ev-pipeline"
