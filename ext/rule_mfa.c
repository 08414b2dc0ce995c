/*
** rule_mfa.c: the detection rule, to the letter of its 2024-04-14 text:
**
**   event.dataset:aws.cloudtrail and event.provider:iam.amazonaws.com
**   and event.action:(DeactivateMFADevice or DeleteVirtualMFADevice) and event.outcome:success
**
** On a raw record (shared/research/elastic-cloudtrail.md has the evidence): every record
** the reader returns is event.dataset:aws.cloudtrail (digests are never records);
** event.provider is eventSource and event.action is eventName, compared exactly (keyword
** fields: case-sensitive, no trimming) after JSON string decoding; event.outcome is
** success when neither errorCode nor errorMessage is present with a value Elastic's
** drop-empty step keeps: it removes null, "" and, recursively, objects and arrays left
** empty, before it maps a record (json_is_empty()). The ConsoleLogin
** override of event.outcome cannot apply to these two actions.
*/
#include <arpa/inet.h>
#include <string.h>
#include "json.h"
#include "rule_mfa.h"

/* Can the record [s,e) match at all? Both names contain "MFADevice", and JSON can only
** spell a letter differently through a \u escape, so a record with neither cannot match.
** This is what lets a scan skip almost every record without looking at its keys. */
int rule_mfa_maybe(const char *z, size_t s, size_t e){
  return memmem(z+s, e-s, "MFADevice", 9)!=0 || memmem(z+s, e-s, "\\u", 2)!=0;
}

/* Does the validated record at z[s], whose keys pIdx indexes, match the rule? The index
** holds the value each key takes, as everywhere in the reader (fields.h). */
int rule_mfa_match(const char *z, size_t s, const FieldIndex *pIdx){
  const uint32_t *aS = pIdx->aS, *aE = pIdx->aE;
  if( aE[RF_eventSource]==0
   || !json_str_is(z, s+aS[RF_eventSource], s+aE[RF_eventSource], "iam.amazonaws.com") ){
    return 0;
  }
  if( aE[RF_eventName]==0
   || (!json_str_is(z, s+aS[RF_eventName], s+aE[RF_eventName], "DeactivateMFADevice")
       && !json_str_is(z, s+aS[RF_eventName], s+aE[RF_eventName], "DeleteVirtualMFADevice")) ){
    return 0;
  }
  if( aE[RF_errorCode] && !json_is_empty(z, s+aS[RF_errorCode], s+aE[RF_errorCode]) ) return 0;
  if( aE[RF_errorMessage] && !json_is_empty(z, s+aS[RF_errorMessage], s+aE[RF_errorMessage]) ){
    return 0;
  }
  return 1;
}

/* Is z[0..n) an IP address, as the grok pattern %{IP} Elastic uses for source.ip sees
** it? IPv4: four dot-separated groups of one to three digits, each at most 255 (leading
** zeros allowed). IPv6: what inet_pton accepts, with an optional %zone. Service names,
** "AWS Internal" and comma lists are not addresses. */
int rule_is_ip(const char *z, size_t n){
  char buf[64];
  unsigned char addr[16];
  const char *zPct;
  size_t i = 0;
  int nGroup = 0;
  if( n==0 || n>=sizeof(buf) ) return 0;
  while( i<n ){
    int nDigit = 0, v = 0;
    while( i<n && z[i]>='0' && z[i]<='9' && nDigit<4 ){ v = v*10 + (z[i]-'0'); nDigit++; i++; }
    if( nDigit==0 || nDigit>3 || v>255 ) break;
    nGroup++;
    if( i==n ){
      if( nGroup==4 ) return 1;
      break;
    }
    if( z[i]!='.' || nGroup==4 ) break;
    i++;
  }
  memcpy(buf, z, n);
  buf[n] = 0;
  zPct = strchr(buf, '%');
  if( zPct ){
    if( zPct[1]==0 ) return 0;
    buf[zPct-buf] = 0;
  }
  return strchr(buf, ':')!=0 && inet_pton(AF_INET6, buf, addr)==1;
}

/* The rule as Elastic published it: detection-rules' updated_date 2024/04/14, package
** rule version 209 (elastic/integrations packages/security_detection_engine
** kibana/security_rule/d8fc1cca-93ed-43c1-bbb6-c0dd3eff2958_209.json). Elastic License v2. */
const RuleMeta rule_mfa_meta = {
  /* zRuleId */
  "d8fc1cca-93ed-43c1-bbb6-c0dd3eff2958",
  /* zName */
  "AWS IAM Deactivation of MFA Device",
  /* zVersion */
  "2024/04/14",
  /* zDescription */
  "Identifies the deactivation of a specified multi-factor authentication (MFA) device and removes it from association with the user name for which it was originally enabled. In AWS Identity and Access Management (IAM), a device must be deactivated before it can be deleted.",
  /* zSeverity */
  "medium",
  /* iRiskScore */ 47,
  /* zQuery */
  "event.dataset:aws.cloudtrail and event.provider:iam.amazonaws.com and event.action:(DeactivateMFADevice or DeleteVirtualMFADevice) and event.outcome:success\n",
  /* zLanguage */
  "kuery",
  /* zFrom */
  "now-60m",
  /* zInterval */
  "10m",
  /* zTimestampOverride */
  "event.ingested",
  /* zIndexPatterns */
  "[\"filebeat-*\", \"logs-aws.cloudtrail-*\"]",
  /* zTacticId */
  "TA0040",
  /* zTacticName */
  "Impact",
  /* zTacticReference */
  "https://attack.mitre.org/tactics/TA0040/",
  /* zTechniqueId */
  "T1531",
  /* zTechniqueName */
  "Account Access Removal",
  /* zTechniqueReference */
  "https://attack.mitre.org/techniques/T1531/",
  /* zFalsePositives */
  "[\"A MFA device may be deactivated by a system or network administrator. Verify whether the user identity, user agent, and/or hostname should be making changes in your environment. MFA device deactivations from unfamiliar users or hosts should be investigated. If known behavior is causing false positives, it can be exempted from the rule.\"]",
  /* zReferences */
  "[\"https://awscli.amazonaws.com/v2/documentation/api/latest/reference/iam/deactivate-mfa-device.html\", \"https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeactivateMFADevice.html\"]",
  /* zNote */
  "## Triage and analysis\n"
  "\n"
  "### Investigating AWS IAM Deactivation of MFA Device\n"
  "\n"
  "Multi-factor authentication (MFA) in AWS is a simple best practice that adds an extra layer of protection on top of your user name and password. With MFA enabled, when a user signs in to an AWS Management Console, they will be prompted for their user name and password (the first factor—what they know), as well as for an authentication code from their AWS MFA device (the second factor—what they have). Taken together, these multiple factors provide increased security for your AWS account settings and resources.\n"
  "\n"
  "For more information about using MFA in AWS, access the [official documentation](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html).\n"
  "\n"
  "This rule looks for the deactivation or deletion of AWS MFA devices. These modifications weaken account security and can lead to the compromise of accounts and other assets.\n"
  "\n"
  "#### Possible investigation steps\n"
  "\n"
  "- Identify the user account that performed the action and whether it should perform this kind of action.\n"
  "- Investigate other alerts associated with the user account during the past 48 hours.\n"
  "- Contact the account and resource owners and confirm whether they are aware of this activity.\n"
  "- Check if this operation was approved and performed according to the organization's change management policy.\n"
  "- If you suspect the account has been compromised, scope potentially compromised assets by tracking servers, services, and data accessed by the account in the last 24 hours.\n"
  "\n"
  "### False positive analysis\n"
  "\n"
  "- While this activity can be done by administrators, all users must use MFA. The security team should address any potential benign true positive (B-TP), as this configuration can risk the user and domain.\n"
  "\n"
  "### Response and remediation\n"
  "\n"
  "- Initiate the incident response process based on the outcome of the triage.\n"
  "- Disable or limit the account during the investigation and response.\n"
  "- Identify the possible impact of the incident and prioritize accordingly; the following actions can help you gain context:\n"
  "    - Identify the account role in the cloud environment.\n"
  "    - Assess the criticality of affected services and servers.\n"
  "    - Work with your IT team to identify and minimize the impact on users.\n"
  "    - Identify if the attacker is moving laterally and compromising other accounts, servers, or services.\n"
  "    - Identify any regulatory or legal ramifications related to this activity.\n"
  "- Investigate credential exposure on systems compromised or used by the attacker to ensure all compromised accounts are identified. Reset passwords or delete API keys as needed to revoke the attacker's access to the environment. Work with your IT teams to minimize the impact on business operations during these actions.\n"
  "- Reactivate multi-factor authentication for the user.\n"
  "- Review the permissions assigned to the implicated user to ensure that the least privilege principle is being followed.\n"
  "- Implement security best practices [outlined](https://aws.amazon.com/premiumsupport/knowledge-center/security-best-practices/) by AWS.\n"
  "- Determine the initial vector abused by the attacker and take action to prevent reinfection via the same vector.\n"
  "- Using the incident response data, update logging and audit policies to improve the mean time to detect (MTTD) and the mean time to respond (MTTR).",
  /* zAuthor */
  "[\"Elastic\", \"Austin Songer\"]",
  /* zLicense */
  "Elastic License v2"
};
