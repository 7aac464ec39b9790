# Rehearsal apply of the synthesized Service Connect stack
# (ev-pipeline-dev-service-connect) against a mocked AWS provider: no
# account, no network. Run from the synthesized stack directory with
#   terraform test -var-file=<repo>/terraform/example.tfvars -var-file=<repo>/terraform/example-front-door.tfvars
# (the Jest suite __tests__/terraform does this). Resource addresses are the
# stack's logical IDs, which are stable hashes of the construct paths.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "ap-northeast-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  # Computed ARNs that other resources validate as ARNs need an ARN shape.
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/mock-role"
    }
  }
  mock_resource "aws_service_discovery_http_namespace" {
    defaults = {
      arn = "arn:aws:servicediscovery:ap-northeast-1:111122223333:namespace/ns-mock"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:ap-northeast-1:111122223333:mock-alarms"
    }
  }
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:loadbalancer/app/dev-ev-front/0123456789abcdef"
      arn_suffix = "app/dev-ev-front/0123456789abcdef"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:targetgroup/dev-ev-front-tg/0123456789abcdef"
      arn_suffix = "targetgroup/dev-ev-front-tg/0123456789abcdef"
    }
  }
  mock_resource "aws_lb_trust_store" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:truststore/dev-ev-front-trust/0123456789abcdef"
    }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:ap-northeast-1:111122223333:regional/webacl/dev-ev-front-waf/0123456789abcdef"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::mock-bucket"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:ap-northeast-1:111122223333:mock-queue"
      url = "https://sqs.ap-northeast-1.amazonaws.com/111122223333/mock-queue"
    }
  }
}

run "rehearsal_apply" {
  command = apply

  assert {
    condition     = aws_ecs_cluster.Cluster_EB0386A7.service_connect_defaults[0].namespace == aws_service_discovery_http_namespace.Namespace_9B63B8C8.arn
    error_message = "The cluster's Service Connect default namespace must be the stack's own HTTP namespace."
  }

  assert {
    condition = (
      aws_ecs_service.DataProcessing_Service_D2270CC2.service_connect_configuration[0].enabled &&
      aws_ecs_service.DataProcessing_Service_D2270CC2.service_connect_configuration[0].namespace == aws_service_discovery_http_namespace.Namespace_9B63B8C8.arn &&
      aws_ecs_service.DataProcessing_Service_D2270CC2.service_connect_configuration[0].service[0].port_name == "data-processing" &&
      aws_ecs_service.DataProcessing_Service_D2270CC2.service_connect_configuration[0].service[0].discovery_name == "data-processing" &&
      aws_ecs_service.DataProcessing_Service_D2270CC2.service_connect_configuration[0].service[0].client_alias[0].dns_name == "data-processing" &&
      aws_ecs_service.DataProcessing_Service_D2270CC2.service_connect_configuration[0].service[0].client_alias[0].port == 3001
    )
    error_message = "Processing must be a Service Connect server at data-processing:3001."
  }

  assert {
    condition = (
      aws_ecs_service.DataProcessing_Service_D2270CC2.service_connect_configuration[0].service[0].timeout[0].per_request_timeout_seconds == 6 &&
      aws_ecs_service.DataProcessing_Service_D2270CC2.service_connect_configuration[0].service[0].timeout[0].idle_timeout_seconds == 300
    )
    error_message = "Processing's proxy must allow one 5 s attempt (6 s per request), and keep connections longer than that."
  }

  assert {
    condition     = aws_ecs_service.DataIngestion_Service_EE45BAF7.service_connect_configuration[0].service[0].timeout[0].per_request_timeout_seconds == 70
    error_message = "Ingestion's own per-request timeout must hold the whole in-process retry schedule."
  }

  assert {
    condition = alltrue([
      for td in [aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F, aws_ecs_task_definition.DataProcessing_TaskDefinition_2EB9913F] :
      length(td.proxy_configuration) == 0 && !strcontains(td.container_definitions, "envoy")
    ])
    error_message = "No Envoy container and no proxy_configuration under Service Connect."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.DataProcessing_TaskDefinition_2EB9913F.container_definitions)[0].portMappings[0].name == "data-processing" &&
      jsondecode(aws_ecs_task_definition.DataProcessing_TaskDefinition_2EB9913F.container_definitions)[0].portMappings[0].appProtocol == "http"
    )
    error_message = "The app's port mapping must be named and have appProtocol http from the first deploy."
  }

  assert {
    condition = (
      { for e in jsondecode(aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F.container_definitions)[0].environment : e.name => e.value }["RETRY_MODE"] == "app" &&
      { for e in jsondecode(aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F.container_definitions)[0].environment : e.name => e.value }["DATA_PROCESSING_URL"] == "http://data-processing:3001/ev" &&
      { for e in jsondecode(aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F.container_definitions)[0].environment : e.name => e.value }["RETRY_OVERALL_TIMEOUT_MS"] == "68000"
    )
    error_message = "Ingestion must retry in-process within the contract's 68 s and call processing at its client alias."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.DataIngestion_AccessToDataProcessing_Ingress_348102D9.security_group_id == aws_security_group.DataProcessing_SecurityGroup_C020D6DA.id &&
      aws_vpc_security_group_ingress_rule.DataIngestion_AccessToDataProcessing_Ingress_348102D9.referenced_security_group_id == aws_security_group.DataIngestion_SecurityGroup_35293E11.id &&
      aws_vpc_security_group_ingress_rule.DataIngestion_AccessToDataProcessing_Ingress_348102D9.from_port == 3001 &&
      aws_vpc_security_group_ingress_rule.DataIngestion_AccessToDataProcessing_Ingress_348102D9.to_port == 3001
    )
    error_message = "Processing's port must be open to ingestion's group only, on 3001 only."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F.container_definitions)[1].image == "public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1" &&
      jsondecode(aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F.container_definitions)[0].dependsOn[0].condition == "HEALTHY" &&
      jsondecode(aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F.container_definitions)[2].dependsOn[0].containerName == "data-ingestion-service"
    )
    error_message = "The collector sidecar must be pinned and HEALTHY before the app; the readiness gate must wait for a HEALTHY app."
  }

  assert {
    condition     = aws_ecs_service.DataIngestion_Service_EE45BAF7.network_configuration[0].assign_public_ip == false
    error_message = "Tasks must not get public IPs."
  }

  assert {
    condition     = output.ingestion_url == "http://data-ingestion:3000/ev"
    error_message = "ingestion_url must be ingestion's client alias with the app port."
  }
}
