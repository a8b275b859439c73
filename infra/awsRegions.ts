/**
 * Where the two things the stack does not build itself exist: HashiCorp's vault-lambda-extension layer and
 * SageMaker's built-in Random Cut Forest image. A region outside these lists fails `pulumi up` late and obscurely
 * (a layer ARN that does not exist, a data source error), so the config check names the problem up front.
 */

/**
 * Regions HashiCorp publishes `vault-lambda-extension` to (account 634166935893), as listed in the extension's
 * README (hashicorp/vault-lambda-extension, "Usage"). Elsewhere, publish the layer into your own account and set
 * `vault.extensionLayerArn`.
 */
export const VAULT_EXTENSION_REGIONS: readonly string[] = [
  "af-south-1",
  "ap-east-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-north-1",
  "eu-south-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "me-south-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
];

/**
 * Registry account of the built-in `randomcutforest` image per region: the table `aws.sagemaker.getPrebuiltEcrImage`
 * reads (terraform-provider-aws, internal/service/sagemaker/prebuilt_ecr_image_data_source.go, the
 * factorization-machines group, from sagemaker-python-sdk's image_uri_config). The data source fails in any other
 * region.
 */
export const RCF_IMAGE_REGISTRIES: Readonly<Record<string, string>> = {
  "af-south-1": "455444449433",
  "ap-east-1": "286214385809",
  "ap-northeast-1": "351501993468",
  "ap-northeast-2": "835164637446",
  "ap-northeast-3": "867004704886",
  "ap-south-1": "991648021394",
  "ap-south-2": "628508329040",
  "ap-southeast-1": "475088953585",
  "ap-southeast-2": "712309505854",
  "ap-southeast-3": "951798379941",
  "ap-southeast-4": "106583098589",
  "ca-central-1": "469771592824",
  "ca-west-1": "190319476487",
  "cn-north-1": "390948362332",
  "cn-northwest-1": "387376663083",
  "eu-central-1": "664544806723",
  "eu-central-2": "680994064768",
  "eu-north-1": "669576153137",
  "eu-south-1": "257386234256",
  "eu-south-2": "104374241257",
  "eu-west-1": "438346466558",
  "eu-west-2": "644912444149",
  "eu-west-3": "749696950732",
  "il-central-1": "898809789911",
  "me-central-1": "272398656194",
  "me-south-1": "249704162688",
  "sa-east-1": "855470959533",
  "us-east-1": "382416733822",
  "us-east-2": "404615174143",
  "us-gov-east-1": "237065988967",
  "us-gov-west-1": "226302683700",
  "us-west-1": "632365934929",
  "us-west-2": "174872318107",
};
