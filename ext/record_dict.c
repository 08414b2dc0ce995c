/*
** record_dict.c: the preset dictionary for record_z (format version 1), written for this
** project.
**
** One CloudTrail record is about 1.4 KB of JSON whose keys and many values repeat from
** record to record but not within it, so deflate on one record alone finds little to
** reuse. A preset dictionary gives every record the same 32 KB window to point into from
** its first byte. zlib's matches are cheapest near the end of the window, so the most
** common fragments come last: rare values first, then common values, then the key names
** in the order AWS writes them.
**
** NEVER change these bytes: every record_z blob of version 1 was compressed against them
** and inflates only with them. A new dictionary is a new format version (import.c).
*/
#include <stddef.h>
#include "import.h"

static const char zDict[] =
  /* less common services, values and shapes */
  "\"eventSource\":\"cloudformation.amazonaws.com\",\"eventSource\":\"lambda.amazonaws.com\","
  "\"eventSource\":\"kms.amazonaws.com\",\"eventSource\":\"logs.amazonaws.com\","
  "\"eventSource\":\"monitoring.amazonaws.com\",\"eventSource\":\"dynamodb.amazonaws.com\","
  "\"eventSource\":\"secretsmanager.amazonaws.com\",\"eventSource\":\"ssm.amazonaws.com\","
  "\"eventSource\":\"config.amazonaws.com\",\"eventSource\":\"cloudtrail.amazonaws.com\","
  "\"eventSource\":\"organizations.amazonaws.com\",\"eventSource\":\"sso.amazonaws.com\","
  "\"eventSource\":\"signin.amazonaws.com\",\"eventSource\":\"guardduty.amazonaws.com\","
  "\"eventSource\":\"elasticloadbalancing.amazonaws.com\",\"eventSource\":\"ecr.amazonaws.com\","
  "\"eventSource\":\"rds.amazonaws.com\",\"eventSource\":\"route53.amazonaws.com\","
  "\"errorCode\":\"AccessDenied\",\"errorCode\":\"Client.UnauthorizedOperation\","
  "\"errorCode\":\"NoSuchEntityException\",\"errorCode\":\"ThrottlingException\","
  "\"errorMessage\":\"User: arn:aws:sts::\",\" is not authorized to perform: \","
  " because no identity-based policy allows the \" action\","
  "\"eventType\":\"AwsConsoleSignIn\",\"eventType\":\"AwsServiceEvent\","
  "\"responseElements\":{\"ConsoleLogin\":\"Success\"},"
  "\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/home\","
  "\"MobileVersion\":\"No\",\"MFAUsed\":\"Yes\",\"MFAUsed\":\"No\"},"
  "\"resources\":[{\"accountId\":\"\",\"type\":\"AWS::IAM::Role\",\"ARN\":\"arn:aws:iam::\"}],"
  "\"resources\":[{\"ARN\":\"arn:aws:kms:\",\"accountId\":\"\",\"type\":\"AWS::KMS::Key\"}],"
  "\"sharedEventID\":\"\",\"vpcEndpointId\":\"vpce-\",\"vpcEndpointAccountId\":\"\","
  "\"serviceEventDetails\":{},\"insightDetails\":{},\"sessionCredentialFromConsole\":\"true\","
  "\"credentials\":{\"accessKeyId\":\"ASIA\",\"sessionToken\":\"\",\"expiration\":\"\"},"
  "\"assumedRoleUser\":{\"assumedRoleId\":\"\",\"arn\":\"arn:aws:sts::\"},"
  "\"roleArn\":\"arn:aws:iam::\",\"roleSessionName\":\"\",\"durationSeconds\":3600,"
  "\"bucketName\":\"\",\"Host\":\"\",\"key\":\"\",\"x-amz-id-2\":\"\","
  "\"SignatureVersion\":\"SigV4\",\"CipherSuite\":\"ECDHE-RSA-AES128-GCM-SHA256\","
  "\"bytesTransferredIn\":0,\"bytesTransferredOut\":0,\"AuthenticationMethod\":\"AuthHeader\","
  "\"instancesSet\":{\"items\":[{\"instanceId\":\"i-\"}]},\"filterSet\":{},"
  "\"maxResults\":1000,\"nextToken\":\"\",\"encryptionContext\":{\"aws:lambda:FunctionArn\":\"\"},"
  "\"keyId\":\"arn:aws:kms:\",\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\","
  "\"invokedBy\":\"cloudtrail.amazonaws.com\",\"invokedBy\":\"config.amazonaws.com\","
  "\"userAgent\":\"console.amazonaws.com\",\"userAgent\":\"AWS Internal\","
  "\"userAgent\":\"aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023 "
  "prompt/off command/\",\"userAgent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
  "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36\","
  "\"userAgent\":\"Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.79 md/arch#x86_64 "
  "lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69\","
  "\"userAgent\":\"aws-sdk-go/1.50.8 (go1.21.6; linux; amd64)\","
  "\"userAgent\":\"aws-sdk-java/2.20.162 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.8\","
  "\"type\":\"Root\",\"type\":\"AWSService\",\"type\":\"AWSAccount\",\"type\":\"FederatedUser\","
  "\"type\":\"IdentityCenterUser\",\"type\":\"SAMLUser\",\"type\":\"WebIdentityUser\","
  "\"webIdFederationData\":{\"federatedProvider\":\"\",\"attributes\":{}},"
  "\"ec2RoleDelivery\":\"2.0\",\"sourceIdentity\":\"\",\"onBehalfOf\":{\"userId\":\"\","
  "\"identityStoreArn\":\"arn:aws:identitystore::\"},"
  "\"awsRegion\":\"us-east-2\",\"awsRegion\":\"us-west-1\",\"awsRegion\":\"us-west-2\","
  "\"awsRegion\":\"eu-central-1\",\"awsRegion\":\"eu-west-2\",\"awsRegion\":\"ap-southeast-1\","
  "\"awsRegion\":\"ap-northeast-1\",\"awsRegion\":\"eu-west-1\",\"awsRegion\":\"us-east-1\","
  "\"eventName\":\"ConsoleLogin\",\"eventName\":\"AssumeRole\",\"eventName\":\"GetCallerIdentity\","
  "\"eventName\":\"DeactivateMFADevice\",\"eventName\":\"CreateAccessKey\","
  "\"eventName\":\"ListBuckets\",\"eventName\":\"GetObject\",\"eventName\":\"PutObject\","
  "\"eventName\":\"DescribeInstances\",\"eventName\":\"GetParameter\",\"eventName\":\"Decrypt\","
  "\"eventName\":\"GenerateDataKey\",\"eventName\":\"GetBucketAcl\",\"eventName\":\"ListRoles\","
  "\"eventSource\":\"sts.amazonaws.com\",\"eventSource\":\"iam.amazonaws.com\","
  "\"eventSource\":\"s3.amazonaws.com\",\"eventSource\":\"ec2.amazonaws.com\","
  "\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\","
  "\"clientProvidedHostHeader\":\"sts.amazonaws.com\"},"
  "\"tlsDetails\":{\"tlsVersion\":\"TLSv1.2\",\"cipherSuite\":\"ECDHE-RSA-AES128-GCM-SHA256\","
  "\"clientProvidedHostHeader\":\"ec2.us-east-1.amazonaws.com\"},"
  "\"errorCode\":\"\",\"errorMessage\":\"\",\"readOnly\":false,\"managementEvent\":false,"
  "\"eventCategory\":\"Data\",\"eventType\":\"AwsApiCall\",\"eventVersion\":\"1.08\","
  /* the common case: a record's keys in AWS's order, with its commonest values */
  "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDA\","
  "\"arn\":\"arn:aws:iam::\",\"accountId\":\"\",\"accessKeyId\":\"AKIA\",\"userName\":\"\"},"
  "\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROA\","
  "\"arn\":\"arn:aws:sts::\",\"accountId\":\"\",\"accessKeyId\":\"ASIA\","
  "\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROA\","
  "\"arn\":\"arn:aws:iam::\",\"accountId\":\"\",\"userName\":\"\"},"
  "\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"2026-\","
  "\"mfaAuthenticated\":\"false\"}}},\"mfaAuthenticated\":\"true\"}},"
  "\"eventTime\":\"2026-\",\"eventSource\":\"\",\"eventName\":\"\",\"awsRegion\":\"\","
  "\"sourceIPAddress\":\"\",\"userAgent\":\"\",\"requestParameters\":null,"
  "\"responseElements\":null,\"requestID\":\"\",\"eventID\":\"\",\"readOnly\":true,"
  "\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"\","
  "\"eventCategory\":\"Management\",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.2\","
  "\"cipherSuite\":\"ECDHE-RSA-AES128-GCM-SHA256\",\"clientProvidedHostHeader\":\"\"}}";

const unsigned char *const record_dict_v1 = (const unsigned char*)zDict;
const unsigned record_dict_v1_len = (unsigned)sizeof(zDict) - 1;
