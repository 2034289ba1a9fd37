/** Runs the indicators subgraph alone (one container in docker-compose.yml). */
import { runService } from '../../lib/service-runtime';
import { indicatorsModule } from './module';

void runService(indicatorsModule);
