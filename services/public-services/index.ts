/** Runs the public-services subgraph alone. */
import { runService } from '../../lib/service-runtime';
import { publicServicesModule } from './module';

void runService(publicServicesModule);
