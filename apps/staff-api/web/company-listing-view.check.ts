// Compiled by the root tsconfig (which resolves @oc/*), never bundled: the console's spelled-out
// CompanyListingView (shared/api-types.ts) must stay the staff API's own.
import type { CompanyListingView as ApiCompanyListingView, Same } from '@oc/persistence';
import type { CompanyListingView } from './shared/api-types';

export const consoleCompanyListingViewIsTheApis: Same<CompanyListingView, ApiCompanyListingView> = true;
