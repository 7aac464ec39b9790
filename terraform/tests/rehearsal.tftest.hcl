# Rehearsal apply of the synthesized stack against a mocked AWS provider:
# no account, no network. Run from the synthesized stack directory with
#   terraform test -var-file=<repo>/terraform/example.tfvars
# (the Jest suite __tests__/terraform does this). Resource addresses are the
# stack's logical IDs, which are stable hashes of the construct paths.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "ap-northeast-1"
    }
  }
  # Computed ARNs that other resources validate as ARNs need an ARN shape.
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/mock-role"
    }
  }
  mock_resource "aws_service_discovery_service" {
    defaults = {
      arn = "arn:aws:servicediscovery:ap-northeast-1:111122223333:service/srv-mock"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:ap-northeast-1:111122223333:mock-alarms"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:ap-northeast-1:111122223333:mock-queue"
      url = "https://sqs.ap-northeast-1.amazonaws.com/111122223333/mock-queue"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

run "rehearsal_apply" {
  command = apply

  assert {
    condition     = aws_appmesh_mesh.Mesh_73A573F6.spec[0].egress_filter[0].type == "DROP_ALL"
    error_message = "The mesh must drop egress outside the mesh."
  }

  assert {
    condition = (
      aws_appmesh_route.DataProcessing_Route_FAE934DF.spec[0].http_route[0].retry_policy[0].max_retries == 12 &&
      aws_appmesh_route.DataProcessing_Route_FAE934DF.spec[0].http_route[0].retry_policy[0].http_retry_events == toset(["gateway-error"]) &&
      aws_appmesh_route.DataProcessing_Route_FAE934DF.spec[0].http_route[0].retry_policy[0].tcp_retry_events == toset(["connection-error"]) &&
      aws_appmesh_route.DataProcessing_Route_FAE934DF.spec[0].http_route[0].retry_policy[0].per_retry_timeout[0].value == 5 &&
      aws_appmesh_route.DataProcessing_Route_FAE934DF.spec[0].http_route[0].retry_policy[0].per_retry_timeout[0].unit == "s"
    )
    error_message = "The processing route must carry the article's retry policy."
  }

  assert {
    condition     = aws_appmesh_route.DataProcessing_Route_FAE934DF.spec[0].http_route[0].timeout[0].per_request[0].value == 70
    error_message = "The processing route's per-request timeout must let all 13 attempts happen."
  }

  assert {
    condition     = aws_appmesh_virtual_node.DataIngestion_VirtualNode_87454574.spec[0].service_discovery[0].aws_cloud_map[0].service_name == "data-ingestion"
    error_message = "data-ingestion must discover its own Cloud Map service."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F.container_definitions)[0].dependsOn[0].condition == "HEALTHY"
    error_message = "The app must wait for a HEALTHY Envoy (dependsOn)."
  }

  assert {
    condition     = aws_ecs_service.DataProcessing_Service_D2270CC2.network_configuration[0].assign_public_ip == false
    error_message = "Tasks must not get public IPs."
  }

  assert {
    condition     = output.ingestion_url == "http://data-ingestion.dev.smn-app-mesh-ecs.internal:3000/ev"
    error_message = "ingestion_url must be the virtual service's DNS name with the app port."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_policy.RetryQueue_RedrivePolicy_5444D260.redrive_policy).maxReceiveCount == 8
    error_message = "The retry queue must dead-letter after the contract's maxReceiveCount."
  }

  assert {
    condition     = aws_sqs_queue.RetryQueue_DeadLetterQueue_9D2F1AE4.sqs_managed_sse_enabled && aws_sqs_queue.RetryQueue_612A9E52.sqs_managed_sse_enabled
    error_message = "Both queues must be encrypted at rest."
  }

  assert {
    condition     = strcontains(aws_kms_key.AlarmTopic_Key_0C813E5B.policy, "arn:aws:iam::111122223333:root")
    error_message = "The alarm topic's key must be administered by the stack's own account (taken from the queue ARN)."
  }

  assert {
    condition = contains(
      [for e in jsondecode(aws_ecs_task_definition.DataIngestion_TaskDefinition_AEAAB59F.container_definitions)[0].environment : e.name],
      "RETRY_QUEUE_URL"
    )
    error_message = "Ingestion must know the retry queue."
  }
}
