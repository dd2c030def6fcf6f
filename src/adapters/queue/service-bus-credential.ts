import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

/**
 * Azure AD sign-in for `--namespace`: @azure/identity's default chain (environment, workload identity, managed
 * identity, Azure CLI, Azure Developer CLI, PowerShell), as the Azure tools use. Loaded only when --namespace is.
 */
export function createDefaultCredential(): TokenCredential {
  return new DefaultAzureCredential();
}
