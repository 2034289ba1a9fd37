/** Runs the geography subgraph alone (one container in docker-compose.yml). */
import { runService } from '../../lib/service-runtime';
import { geographyModule } from './module';

void runService(geographyModule);
