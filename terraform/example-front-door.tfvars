# Example inputs of the front door for vehicles, which only the Service Connect
# stacks have (terraform plan -var-file=example.tfvars -var-file=example-front-door.tfvars).
# The load balancer's public subnets, the certificate of its host name, and the
# S3 object holding the vehicle CA bundle (npm run vehicle-cert -- ca makes a
# development CA; docs/vehicle-certificates.md).
public_subnet_ids          = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
front_door_certificate_arn = "arn:aws:acm:ap-northeast-1:111122223333:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
vehicle_ca_bundle_bucket   = "example-org-ev-pipeline-vehicle-ca"
vehicle_ca_bundle_key      = "vehicle-ca-bundle.pem"
