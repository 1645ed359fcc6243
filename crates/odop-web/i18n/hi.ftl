# हिन्दी संदेश। यहाँ की हर आईडी en.ftl में भी है (एक परीक्षण इसे जाँचता है)।

site-name = ओडीओपी उत्तर प्रदेश
site-tagline = एक जनपद एक उत्पाद
skip-to-content = मुख्य सामग्री पर जाएँ
nav-home = मुखपृष्ठ
nav-districts = जनपद
nav-primary = मुख्य मेनू
lang-switch-label = भाषा
footer-about = एक जनपद एक उत्पाद उत्तर प्रदेश सरकार की योजना है, जो 24 जनवरी 2018 को प्रारम्भ हुई। इसका उद्देश्य प्रदेश के सभी 75 जनपदों के एक-एक पारम्परिक उत्पाद और उसे बनाने वाले कारीगरों को बढ़ावा देना है।
footer-data = जनपद और उत्पाद की जानकारी: सार्वजनिक स्रोतों से, परियोजना द्वारा संकलित।
footer-api = मुक्त डेटा (JSON API)

search-label = जनपद और उत्पाद खोजें
search-placeholder = जैसे चिकनकारी, काँच, वाराणसी
search-button = खोजें

home-title = उत्तर प्रदेश के शिल्प, जनपद-दर-जनपद
home-intro = उत्तर प्रदेश के हर जनपद का अपना उत्पाद है: लखनऊ की चिकनकारी, वाराणसी का बनारसी रेशम, फिरोजाबाद का काँच, मुरादाबाद का पीतल, चित्रकूट के लकड़ी के खिलौने। इन्हें और इन्हें बनाने वाले कारीगरों को जानिए।
home-stats = { $districts } जनपद · { $divisions } मंडल · { $products } ओडीओपी उत्पाद
home-featured = चुनिंदा जनपद
home-all-districts = सभी { $count } जनपद देखें

districts-title = उत्तर प्रदेश के जनपद
districts-intro = प्रदेश के 18 मंडलों में बँटे सभी 75 जनपद, हर एक अपने ओडीओपी उत्पादों के साथ।
districts-results = “{ $query }” से मेल खाते जनपद
districts-none = “{ $query }” से कोई जनपद या उत्पाद मेल नहीं खाता।
districts-show-all = सभी जनपद दिखाएँ
division-heading = { $name } मंडल
district-count = { $count } जनपद

district-division = { $name } मंडल
district-products = ओडीओपी उत्पाद
district-other-name = अंग्रेज़ी में: { $name }
product-added = { $year } से ओडीओपी उत्पाद
product-added-unknown = शामिल होने का वर्ष दर्ज नहीं है
gi-registered = जीआई टैग: { $name }
gi-registered-unnamed = जीआई टैग पंजीकृत
gi-likely = जीआई टैग की सूचना: { $name } (पुष्टि की जा रही है)
gi-likely-unnamed = जीआई टैग की सूचना (पुष्टि की जा रही है)
gi-none = जीआई टैग नहीं
gi-unknown = जीआई स्थिति दर्ज नहीं है
district-same-craft = इन जनपदों का भी ओडीओपी उत्पाद
district-neighbours = { $name } मंडल के अन्य जनपद
district-confidence-medium = इस जनपद की जानकारी एक ही सार्वजनिक स्रोत पर आधारित है और पुष्टि की प्रतीक्षा में है।
breadcrumb = आप यहाँ हैं

error-not-found-title = पृष्ठ नहीं मिला
error-not-found-body = इस पते पर कोई पृष्ठ नहीं है। हो सकता है वह हट गया हो, या पते में टाइप करने की कोई गलती हो।
error-district-not-found = उत्तर प्रदेश की सूची में “{ $slug }” नाम का कोई जनपद नहीं है।
error-bad-request-title = यह पता सही नहीं है
error-invalid-slug = जनपद के पते में केवल छोटे अंग्रेज़ी अक्षर, अंक और हाइफ़न होते हैं, जैसे /districts/sant-kabir-nagar।
error-invalid-query = इस पते के खोज-शब्द या विकल्प पढ़े नहीं जा सके। कृपया फिर से खोजें।
error-query-too-long = खोज बहुत लंबी है। कृपया कम शब्दों में खोजें।
error-invalid-language = यह भाषा उपलब्ध नहीं है। अंग्रेज़ी या हिन्दी चुनें।
error-internal-title = हमारी ओर से कुछ गड़बड़ हो गई
error-internal-body = कृपया थोड़ी देर में फिर कोशिश करें। अगर ऐसा बार-बार हो, तो हमें यह संदर्भ बताएँ: { $request_id }।
error-unavailable-title = सेवा अभी व्यस्त है
error-unavailable-body = अभी हमारे डेटाबेस से संपर्क नहीं हो सका। कृपया एक मिनट बाद फिर कोशिश करें।
error-back-home = मुखपृष्ठ पर जाएँ
error-see-districts = सभी जनपद देखें
