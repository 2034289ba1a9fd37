/** Runs the health subgraph alone (one container in docker-compose.yml). */
import { runService } from '../../lib/service-runtime';
import { healthModule } from './module';

void runService(healthModule);
